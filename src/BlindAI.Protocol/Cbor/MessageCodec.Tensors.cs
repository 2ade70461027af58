using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Protocol.Cbor;

/// <summary>Tensors and the inference messages (<c>/run</c>).</summary>
public sealed partial class MessageCodec
{
    /// <summary>What one string element costs against <see cref="ProtocolLimits.MaxTotalTensorBytes"/> beyond its UTF-8 bytes.</summary>
    private const int StringElementOverhead = 8;

    private static readonly FieldSet RunModelFields = FieldSet.AllRequired("RunModel", "model_id", "model_hash", "inputs", "client_info");
    private static readonly FieldSet RunModelReplyFields = FieldSet.AllRequired("RunModelReply", "outputs");
    private static readonly FieldSet SerializedTensorFields = new("SerializedTensor", ["info", "bytes_data", "string_data"], 0b011);
    private static readonly FieldSet TensorInfoFields = new("TensorInfo", ["fact", "datum_type", "node_name"], 0b011);

    /// <summary>Encodes a run request as the Python client does: <c>{model_id, model_hash, inputs, client_info}</c>, datum types as integers.</summary>
    /// <param name="message">The request.</param>
    /// <returns>The CBOR body.</returns>
    /// <exception cref="ProtocolException">An input's shape, type and data disagree.</exception>
    public byte[] EncodeRunModel(RunModel message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return CborOutput.Encode(ToWire(message), WriteRunModel);
    }

    /// <summary>
    /// Encodes a run request with the bytes of <see cref="EncodeRunModel(RunModel)"/>, as a sequence that references
    /// every tensor of 32 KiB or more in its own memory instead of copying it (a client sending images or audio then
    /// writes the pixels once, straight to the connection). The inputs' memory must not change until the sequence has
    /// been written.
    /// </summary>
    /// <param name="message">The request.</param>
    /// <returns>The CBOR body: new framing bytes interleaved with the inputs' own memory.</returns>
    /// <exception cref="ProtocolException">An input's shape, type and data disagree.</exception>
    public ReadOnlySequence<byte> EncodeRunModelReferencing(RunModel message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return CborOutput.EncodeReferencing(ToWire(message), WriteRunModel);
    }

    /// <summary>Decodes a run request (server side).</summary>
    /// <param name="data">The CBOR body; tensor bytes in the result alias it.</param>
    /// <returns>The request, with every input's shape checked against its data.</returns>
    /// <exception cref="ProtocolException">The body is malformed or exceeds a limit.</exception>
    public RunModel DecodeRunModel(ReadOnlyMemory<byte> data) => Decode(data, static r =>
    {
        string? modelId = null, modelHash = null;
        ImmutableArray<SerializedTensor> inputs = default;
        ClientInfo? clientInfo = null;
        StructScope scope = r.BeginStruct(RunModelFields);
        while (r.NextField(ref scope, out int field))
        {
            switch (field)
            {
                case 0: modelId = r.ReadText(); break;
                case 1: modelHash = r.ReadText(); break;
                case 2: inputs = ReadTensors(r); break;
                default: clientInfo = ReadClientInfo(r); break;
            }

            r.EndField();
        }

        r.EndStruct(ref scope);
        return new RunModel(modelId!, modelHash!, ToTensors(inputs)) { ClientInfo = clientInfo! };
    });

    /// <summary>Encodes a run reply as the original server does: <c>{outputs}</c>, datum types as variant names.</summary>
    /// <param name="message">The reply.</param>
    /// <returns>The CBOR body.</returns>
    /// <exception cref="ProtocolException">An output's shape, type and data disagree.</exception>
    public byte[] EncodeRunModelReply(RunModelReply message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ImmutableArray<SerializedTensor> outputs = ToWire(message.Outputs, "outputs");
        return CborOutput.Encode(outputs, static (w, o) =>
        {
            w.WriteMapHeader(1);
            w.WriteKey("outputs"u8);
            WriteTensors(w, o, datumAsName: true);
        });
    }

    /// <summary>Decodes a run reply (client side).</summary>
    /// <param name="data">The CBOR body; tensor bytes in the result alias it.</param>
    /// <returns>The reply, with every output's shape checked against its data.</returns>
    /// <exception cref="ProtocolException">The body is malformed or exceeds a limit.</exception>
    public RunModelReply DecodeRunModelReply(ReadOnlyMemory<byte> data) => Decode(data, static r =>
    {
        ImmutableArray<SerializedTensor> outputs = default;
        StructScope scope = r.BeginStruct(RunModelReplyFields);
        while (r.NextField(ref scope, out _))
        {
            outputs = ReadTensors(r);
            r.EndField();
        }

        r.EndStruct(ref scope);
        return RunModelReply.FromWire(ToTensors(outputs));
    });

    /// <summary>The wire fields of a run request: the tensors described for the wire without copying their elements.</summary>
    private static WireRunModel ToWire(RunModel message) =>
        new(message.ModelId, message.ModelHash, ToWire(message.Inputs, "inputs"), message.ClientInfo);

    private static ImmutableArray<SerializedTensor> ToWire(ImmutableArray<Tensor> tensors, string field)
    {
        ImmutableArray<SerializedTensor> wire = tensors.IsDefault
            ? throw new ArgumentException($"The {field} array is not initialised.")
            : [.. tensors.Select(t => SerializedTensor.FromTensor(t ?? throw new ArgumentException($"The {field} array holds a null tensor.")))];
        ValidateTensors(wire, field);
        return wire;
    }

    /// <summary>Builds the tensors of decoded (and already checked) wire tensors, sharing their bytes.</summary>
    private static ImmutableArray<Tensor> ToTensors(ImmutableArray<SerializedTensor> tensors) => [.. tensors.Select(t => t.ToTensor())];

    private static void WriteRunModel(CborOutput w, WireRunModel m)
    {
        w.WriteMapHeader(4);
        w.WriteKey("model_id"u8);
        w.WriteText(m.ModelId);
        w.WriteKey("model_hash"u8);
        w.WriteText(m.ModelHash);
        w.WriteKey("inputs"u8);
        WriteTensors(w, m.Inputs, datumAsName: false);
        w.WriteKey("client_info"u8);
        WriteClientInfo(w, m.ClientInfo);
    }

    private static void ValidateTensors(ImmutableArray<SerializedTensor> tensors, string field)
    {
        if (tensors.IsDefault)
        {
            throw new ArgumentException($"The {field} array is not initialised.");
        }

        for (int i = 0; i < tensors.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(tensors[i]);
            tensors[i].Validate($"{field}[{i}]");
        }
    }

    private static void WriteTensors(CborOutput w, ImmutableArray<SerializedTensor> tensors, bool datumAsName)
    {
        w.WriteArrayHeader(tensors.Length);
        foreach (SerializedTensor tensor in tensors)
        {
            bool strings = tensor.Info.DatumType == TensorElementType.String;
            w.WriteMapHeader(strings ? 3 : 2);
            w.WriteKey("info"u8);
            w.WriteMapHeader(3);
            w.WriteKey("fact"u8);
            w.WriteArrayHeader(tensor.Info.Fact.Length);
            foreach (long dimension in tensor.Info.Fact)
            {
                w.WriteUInt64((ulong)dimension);
            }

            w.WriteKey("datum_type"u8);
            if (datumAsName)
            {
                w.WriteText(Tensor.GetWireName(tensor.Info.DatumType));
            }
            else
            {
                w.WriteUInt64((ulong)tensor.Info.DatumType);
            }

            w.WriteKey("node_name"u8);
            w.WriteNullableText(tensor.Info.NodeName);
            w.WriteKey("bytes_data"u8);
            w.WriteByteString(tensor.BytesData);
            if (strings)
            {
                w.WriteKey("string_data"u8);
                w.WriteArrayHeader(tensor.StringData.Length);
                foreach (string element in tensor.StringData)
                {
                    w.WriteText(element);
                }
            }
        }
    }

    private static ImmutableArray<SerializedTensor> ReadTensors(WireReader r)
    {
        int maxTensors = r.Limits.MaxTensors;
        ArrayScope array = r.BeginArray(maxTensors, ProtocolErrorReason.TooManyTensors, "tensor list");
        var tensors = ImmutableArray.CreateBuilder<SerializedTensor>(array.Count ?? 4);
        while (r.HasNextElement(array, tensors.Count, maxTensors, ProtocolErrorReason.TooManyTensors, "tensor list"))
        {
            r.PushPath(tensors.Count);
            tensors.Add(ReadSerializedTensor(r));
            r.PopPath();
        }

        r.EndArray(array);
        return tensors.DrainToImmutable();
    }

    private static SerializedTensor ReadSerializedTensor(WireReader r)
    {
        TensorInfo? info = null;
        ReadOnlyMemory<byte> bytes = default;
        ImmutableArray<string> strings = [];
        StructScope scope = r.BeginStruct(SerializedTensorFields);
        while (r.NextField(ref scope, out int field))
        {
            switch (field)
            {
                case 0:
                    info = ReadTensorInfo(r);
                    break;
                case 1:
                    bytes = r.ReadSerdeBytes(r.Limits.MaxTotalTensorBytes - r.TensorBytes, ProtocolErrorReason.TensorTooLarge);
                    r.TensorBytes += bytes.Length;
                    break;
                default:
                    strings = ReadStringElements(r);
                    break;
            }

            r.EndField();
        }

        r.EndStruct(ref scope);
        var tensor = new SerializedTensor(info!, bytes) { StringData = strings };
        tensor.Validate(r.CurrentPath);
        return tensor;
    }

    private static ImmutableArray<string> ReadStringElements(WireReader r)
    {
        ArrayScope array = r.BeginArray(int.MaxValue, ProtocolErrorReason.TensorTooLarge, "string_data");
        // The declared count is bounded by the input left, not by a limit: start small and let real elements grow it.
        var elements = ImmutableArray.CreateBuilder<string>(Math.Min(array.Count ?? 4, 1024));
        while (r.HasNextElement(array, elements.Count, int.MaxValue, ProtocolErrorReason.TensorTooLarge, "string_data"))
        {
            r.PushPath(elements.Count);
            string element = r.ReadText();
            // Each element costs its UTF-8 bytes plus a reference, so a flood of empty strings is bounded too.
            r.TensorBytes += Encoding.UTF8.GetByteCount(element) + StringElementOverhead;
            if (r.TensorBytes > r.Limits.MaxTotalTensorBytes)
            {
                throw r.Fail(ProtocolErrorReason.TensorTooLarge, $"The tensors hold more than the {r.Limits.MaxTotalTensorBytes} bytes allowed.");
            }

            elements.Add(element);
            r.PopPath();
        }

        r.EndArray(array);
        return elements.DrainToImmutable();
    }

    private static TensorInfo ReadTensorInfo(WireReader r)
    {
        ImmutableArray<long> fact = default;
        TensorElementType datumType = default;
        string? nodeName = null;
        StructScope scope = r.BeginStruct(TensorInfoFields);
        while (r.NextField(ref scope, out int field))
        {
            switch (field)
            {
                case 0: fact = ReadShape(r); break;
                case 1: datumType = ReadDatumType(r); break;
                default: nodeName = r.ReadNullableText(); break;
            }

            r.EndField();
        }

        r.EndStruct(ref scope);
        return new TensorInfo(fact, datumType, nodeName);
    }

    private static ImmutableArray<long> ReadShape(WireReader r)
    {
        int maxRank = r.Limits.MaxRank;
        ArrayScope array = r.BeginArray(maxRank, ProtocolErrorReason.RankTooLarge, "shape");
        var shape = ImmutableArray.CreateBuilder<long>(array.Count ?? maxRank);
        while (r.HasNextElement(array, shape.Count, maxRank, ProtocolErrorReason.RankTooLarge, "shape"))
        {
            r.PushPath(shape.Count);
            ulong dimension = r.ReadUInt64();
            if (dimension > long.MaxValue)
            {
                throw r.Fail(ProtocolErrorReason.InvalidValue, $"Dimension {dimension} does not fit a signed 64-bit integer.");
            }

            shape.Add((long)dimension);
            r.PopPath();
        }

        r.EndArray(array);
        return shape.DrainToImmutable();
    }

    /// <summary>A serde unit enum: the variant index (unsigned integer) or the variant name (text).</summary>
    private static TensorElementType ReadDatumType(WireReader r)
    {
        switch (r.PeekMajorType())
        {
            case 0:
                ulong index = r.ReadUInt64();
                if (index > (ulong)TensorElementType.String)
                {
                    throw r.Fail(ProtocolErrorReason.UnknownDatumType, $"Datum type {index} is not a known variant index.");
                }

                return (TensorElementType)index;
            case 3:
                string name = r.ReadText(64);
                return Tensor.TryParseWireName(name, out TensorElementType type)
                    ? type
                    : throw r.Fail(ProtocolErrorReason.UnknownDatumType, $"Datum type '{name}' is not a known variant name.");
            default:
                throw r.UnexpectedType("a datum type (variant index or name)");
        }
    }

    /// <summary>A run request as it travels: <c>model_id</c> and <c>model_hash</c> as text, the inputs as wire tensors.</summary>
    private sealed record WireRunModel(string ModelId, string ModelHash, ImmutableArray<SerializedTensor> Inputs, ClientInfo ClientInfo);
}
