using System.Collections.Immutable;
using BlindAI.Protocol.Messages;

namespace BlindAI.Protocol.Cbor;

/// <summary>Server description (extension) and the original error body.</summary>
public sealed partial class MessageCodec
{
    private static readonly FieldSet CapabilitiesFields = FieldSet.AllRequired("ServerCapabilities",
        "server", "version", "protocol", "extensions", "datum_types", "max_request_bytes", "max_model_bytes", "simulation");

    /// <summary>Encodes the body of <c>GET /version</c> (extension).</summary>
    /// <param name="message">The capabilities.</param>
    /// <returns>The CBOR body.</returns>
    public byte[] EncodeServerCapabilities(ServerCapabilities message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return CborOutput.Encode(message, static (w, m) =>
        {
            w.WriteMapHeader(8);
            w.WriteKey("server"u8);
            w.WriteText(m.Server);
            w.WriteKey("version"u8);
            w.WriteText(m.Version);
            w.WriteKey("protocol"u8);
            w.WriteText(m.Protocol);
            w.WriteKey("extensions"u8);
            WriteTextArray(w, m.Extensions);
            w.WriteKey("datum_types"u8);
            WriteTextArray(w, m.DatumTypes);
            w.WriteKey("max_request_bytes"u8);
            w.WriteUInt64(m.MaxRequestBytes);
            w.WriteKey("max_model_bytes"u8);
            w.WriteUInt64(m.MaxModelBytes);
            w.WriteKey("simulation"u8);
            w.WriteBoolean(m.Simulation);
        });
    }

    /// <summary>Decodes the body of <c>GET /version</c> (client side); unknown keys are ignored so servers can add some.</summary>
    /// <param name="data">The CBOR body.</param>
    /// <returns>The capabilities.</returns>
    /// <exception cref="ProtocolException">The body is malformed or a key is missing.</exception>
    public ServerCapabilities DecodeServerCapabilities(ReadOnlyMemory<byte> data) => Decode(data, static r =>
    {
        var text = new string[3];
        ImmutableArray<string> extensions = [], datumTypes = [];
        ulong maxRequest = 0, maxModel = 0;
        bool simulation = false;
        StructScope scope = r.BeginStruct(CapabilitiesFields);
        while (r.NextField(ref scope, out int field))
        {
            switch (field)
            {
                case < 3: text[field] = r.ReadText(); break;
                case 3: extensions = ReadTextArray(r); break;
                case 4: datumTypes = ReadTextArray(r); break;
                case 5: maxRequest = r.ReadUInt64(); break;
                case 6: maxModel = r.ReadUInt64(); break;
                default: simulation = r.ReadBoolean(); break;
            }

            r.EndField();
        }

        r.EndStruct(ref scope);
        return new ServerCapabilities(text[0], text[1], text[2], extensions, datumTypes, maxRequest, maxModel, simulation);
    });

    /// <summary>
    /// Encodes an error the way the original server did (status 500, body = CBOR text string). Servers that speak the
    /// problem-details extension send problem details instead when the client accepts it.
    /// </summary>
    /// <param name="message">The error text.</param>
    /// <returns>The CBOR body.</returns>
    public byte[] EncodeErrorText(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return CborOutput.Encode(message, static (w, m) => w.WriteText(m));
    }

    /// <summary>Decodes an original-style error body (a CBOR text string).</summary>
    /// <param name="data">The CBOR body.</param>
    /// <returns>The error text.</returns>
    /// <exception cref="ProtocolException">The body is not a single CBOR text string.</exception>
    public string DecodeErrorText(ReadOnlyMemory<byte> data) => Decode(data, static r => r.ReadText());

    private static void WriteTextArray(CborOutput w, ImmutableArray<string> values)
    {
        ImmutableArray<string> items = values.IsDefault ? [] : values;
        w.WriteArrayHeader(items.Length);
        foreach (string item in items)
        {
            w.WriteText(item);
        }
    }

    private static ImmutableArray<string> ReadTextArray(WireReader r)
    {
        const int MaxItems = 1024;
        ArrayScope array = r.BeginArray(MaxItems, ProtocolErrorReason.InvalidValue, "text list");
        var items = ImmutableArray.CreateBuilder<string>(array.Count ?? 8);
        while (r.HasNextElement(array, items.Count, MaxItems, ProtocolErrorReason.InvalidValue, "text list"))
        {
            r.PushPath(items.Count);
            items.Add(r.ReadText());
            r.PopPath();
        }

        r.EndArray(array);
        return items.DrainToImmutable();
    }
}
