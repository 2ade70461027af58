using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// Typed access to the fields of Intel's collateral JSON. Every missing or ill-typed field becomes an
/// <see cref="AttestationFormatException"/> naming its JSON path, so callers never see a JsonException or
/// KeyNotFoundException. Paths are built only when an error is thrown: building them for every field of a TCB Info
/// cost more than parsing the JSON.
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
                AttestationFormatErrorReason.InvalidJson,
                $"{what} is not valid JSON: {e.Message}",
                e.LineNumber == 0 ? e.BytePositionInLine : null,
                e);
        }
    }

    public static JsonElement Object(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Object ? element : throw Invalid(path, "must be a JSON object");

    public static JsonElement Required(JsonElement obj, string name, string parent) =>
        obj.TryGetProperty(name, out var value)
            ? value
            : throw new AttestationFormatException(AttestationFormatErrorReason.MissingField, $"{parent}.{name} is missing.");

    public static bool Optional(JsonElement obj, string name, out JsonElement value) =>
        obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    public static JsonElement RequiredObject(JsonElement obj, string name, string parent)
    {
        var value = Required(obj, name, parent);
        return value.ValueKind == JsonValueKind.Object ? value : throw Invalid($"{parent}.{name}", "must be a JSON object");
    }

    public static string RequiredString(JsonElement obj, string name, string parent)
    {
        var value = Required(obj, name, parent);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid($"{parent}.{name}", "must be a string");
    }

    public static int RequiredInt(JsonElement obj, string name, string parent, int min, int max) =>
        TryInt(Required(obj, name, parent), min, max, out var value) ? value : throw Invalid($"{parent}.{name}", $"must be an integer from {min} to {max}");

    public static bool TryInt(JsonElement element, int min, int max, out int value)
    {
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out value) && value >= min && value <= max)
        {
            return true;
        }

        value = 0;
        return false;
    }

    public static DateTimeOffset RequiredDate(JsonElement obj, string name, string parent)
    {
        var element = Required(obj, name, parent);
        return element.ValueKind == JsonValueKind.String && element.TryGetDateTimeOffset(out var value)
            ? value.ToUniversalTime()
            : throw Invalid($"{parent}.{name}", "must be an ISO 8601 date-time string");
    }

    public static ImmutableArray<byte> RequiredHex(JsonElement obj, string name, string parent, int byteLength)
    {
        var element = Required(obj, name, parent);
        if (element.ValueKind != JsonValueKind.String || element.GetString() is not { } text || text.Length != byteLength * 2 || !HexText.TryDecode(text, out var bytes))
        {
            throw Invalid($"{parent}.{name}", $"must be {byteLength * 2} hexadecimal digits");
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(bytes);
    }

    public static JsonElement RequiredArray(JsonElement obj, string name, string parent, int maxCount)
    {
        var element = Required(obj, name, parent);
        return element.ValueKind == JsonValueKind.Array && element.GetArrayLength() <= maxCount
            ? element
            : throw Invalid($"{parent}.{name}", $"must be an array of at most {maxCount} elements");
    }

    public static ImmutableArray<string> OptionalStringArray(JsonElement obj, string name, string parent)
    {
        if (!Optional(obj, name, out var array))
        {
            return [];
        }

        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() > 1024)
        {
            throw Invalid($"{parent}.{name}", "must be an array of at most 1024 strings");
        }

        var builder = ImmutableArray.CreateBuilder<string>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            builder.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Invalid($"{parent}.{name}[{builder.Count}]", "must be a string"));
        }

        return builder.MoveToImmutable();
    }

    public static TcbStatus RequiredStatus(JsonElement obj, string name, string parent)
    {
        var element = Required(obj, name, parent);
        if (element.ValueKind == JsonValueKind.String && element.GetString() is { } text)
        {
            return TcbStatusNames.TryParse(text, out var status) ? status : throw Invalid($"{parent}.{name}", $"'{text}' is not a TCB status Intel defines");
        }

        throw Invalid($"{parent}.{name}", "must be a string");
    }

    public static AttestationFormatException Invalid(string path, string problem) =>
        new(AttestationFormatErrorReason.InvalidField, $"{path} {problem}.");
}
