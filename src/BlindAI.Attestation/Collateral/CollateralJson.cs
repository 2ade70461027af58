using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// Typed access to the fields of Intel's collateral JSON. Every missing or ill-typed field becomes an
/// <see cref="AttestationFormatException"/> naming its JSON path, so callers never see a JsonException or
/// KeyNotFoundException.
/// </summary>
internal static class CollateralJson
{
    /// <summary>Duplicate keys are rejected: signed JSON must not mean different things to different parsers.</summary>
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16, AllowDuplicateProperties = false };

    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8Json, string what)
    {
        try
        {
            return JsonDocument.Parse(utf8Json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new AttestationFormatException(
                AttestationFormatError.InvalidJson,
                $"{what} is not valid JSON: {e.Message}",
                e.LineNumber == 0 ? e.BytePositionInLine : null,
                e);
        }
    }

    public static JsonElement Object(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Object ? element : throw Invalid(path, "must be a JSON object");

    public static JsonElement Required(JsonElement obj, string name, string path) =>
        obj.TryGetProperty(name, out var value)
            ? value
            : throw new AttestationFormatException(AttestationFormatError.MissingField, $"{path}.{name} is missing.");

    public static bool Optional(JsonElement obj, string name, out JsonElement value) =>
        obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    public static string String(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : throw Invalid(path, "must be a string");

    public static int Int(JsonElement element, string path, int min, int max) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var value) && value >= min && value <= max
            ? value
            : throw Invalid(path, $"must be an integer from {min} to {max}");

    public static DateTimeOffset Date(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.String && element.TryGetDateTimeOffset(out var value)
            ? value.ToUniversalTime()
            : throw Invalid(path, "must be an ISO 8601 date-time string");

    public static ImmutableArray<byte> Hex(JsonElement element, string path, int byteLength)
    {
        var text = String(element, path);
        if (text.Length != byteLength * 2 || !HexText.TryDecode(text, out var bytes))
        {
            throw Invalid(path, $"must be {byteLength * 2} hexadecimal digits");
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(bytes);
    }

    public static JsonElement Array(JsonElement element, string path, int maxCount) =>
        element.ValueKind == JsonValueKind.Array && element.GetArrayLength() <= maxCount
            ? element
            : throw Invalid(path, $"must be an array of at most {maxCount} elements");

    public static ImmutableArray<string> StringArray(JsonElement element, string path)
    {
        var array = Array(element, path, 1024);
        var builder = ImmutableArray.CreateBuilder<string>(array.GetArrayLength());
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            builder.Add(String(item, $"{path}[{i++}]"));
        }

        return builder.MoveToImmutable();
    }

    public static TcbStatus Status(JsonElement element, string path)
    {
        var text = String(element, path);
        return TcbStatusNames.TryParse(text, out var status) ? status : throw Invalid(path, $"'{text}' is not a TCB status Intel defines");
    }

    public static AttestationFormatException Invalid(string path, string problem) =>
        new(AttestationFormatError.InvalidField, $"{path} {problem}.");
}
