using System.Text.Json;
using System.Text.Json.Serialization;

namespace BlindAI.Enclave.Simulation;

/// <summary>Writes byte values (measurements, SVN arrays) as hex in <c>platform.json</c>, so people can read and edit them.</summary>
internal sealed class HexBytesJsonConverter : JsonConverter<ReadOnlyMemory<byte>>
{
    public override ReadOnlyMemory<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string text = reader.GetString() ?? throw new JsonException("Expected a hex string.");
        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException e)
        {
            throw new JsonException($"'{text}' is not hex.", e);
        }
    }

    public override void Write(Utf8JsonWriter writer, ReadOnlyMemory<byte> value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Convert.ToHexStringLower(value.Span));
}
