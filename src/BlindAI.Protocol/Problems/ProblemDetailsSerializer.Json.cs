using System.Collections.Immutable;
using System.Text.Json;

namespace BlindAI.Protocol.Problems;

/// <summary>JSON (<c>application/problem+json</c>).</summary>
internal sealed partial class ProblemDetailsSerializer
{
    /// <summary>Writes the document as JSON: standard members, then <c>code</c>, <c>violations</c> and the text extensions.</summary>
    /// <param name="problem">The problem.</param>
    /// <returns>UTF-8 JSON.</returns>
    public byte[] ToJson(ProblemDetails problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, problem.Type);
            WriteIfSet(writer, "title", problem.Title);
            if (problem.Status is int status)
            {
                writer.WriteNumber("status"u8, status);
            }

            WriteIfSet(writer, "detail", problem.Detail);
            WriteIfSet(writer, "instance", problem.Instance);
            if (problem.Code is ProblemCode code)
            {
                writer.WriteString("code"u8, ProblemTypes.GetName(code));
            }

            if (!problem.Violations.IsDefaultOrEmpty)
            {
                writer.WriteStartArray("violations"u8);
                foreach (ProblemViolation violation in problem.Violations)
                {
                    writer.WriteStartObject();
                    WriteIfSet(writer, "field", violation.Field);
                    writer.WriteString("message"u8, violation.Message);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            foreach (KeyValuePair<string, string> member in ExtensionsToWrite(problem))
            {
                writer.WriteString(member.Key, member.Value);
            }

            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    /// <summary>Parses a JSON problem document.</summary>
    /// <param name="body">UTF-8 JSON.</param>
    /// <returns>The problem.</returns>
    /// <exception cref="ProtocolException">
    /// The body exceeds <see cref="ProtocolLimits.MaxMessageBytes"/> (<see cref="ProtocolErrorReason.MessageTooLarge"/>), is not
    /// a JSON object, repeats a member or nests too deeply (<see cref="ProtocolErrorReason.MalformedJson"/>).
    /// </exception>
    public ProblemDetails FromJson(ReadOnlyMemory<byte> body)
    {
        if (body.Length > Limits.MaxMessageBytes)
        {
            throw new ProtocolException(ProtocolErrorReason.MessageTooLarge, $"The problem document is {body.Length} bytes, the limit is {Limits.MaxMessageBytes}.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = Limits.MaxNestingDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new ProtocolException(ProtocolErrorReason.MalformedJson, "The problem document is not valid JSON.", null, e.BytePositionInLine, e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ProtocolException(ProtocolErrorReason.MalformedJson, $"A problem document is a JSON object, not {root.ValueKind}.");
            }

            var problem = new ProblemDetails();
            var extensions = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            string? codeName = null;
            foreach (JsonProperty member in root.EnumerateObject())
            {
                JsonElement value = member.Value;
                string? text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                if (text is not null && text.Length > Limits.MaxTextBytes)
                {
                    throw new ProtocolException(ProtocolErrorReason.TextTooLong, $"Member '{member.Name}' is longer than {Limits.MaxTextBytes} characters.", member.Name);
                }

                // RFC 9457 §3.1: a member whose value has the wrong type is ignored.
                switch (member.Name)
                {
                    case "type" when text is not null: problem = problem with { Type = text }; break;
                    case "title" when text is not null: problem = problem with { Title = text }; break;
                    case "detail" when text is not null: problem = problem with { Detail = text }; break;
                    case "instance" when text is not null: problem = problem with { Instance = text }; break;
                    case "code" when text is not null: codeName = text; break;
                    case "status" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int status) && status is >= 0 and <= 999:
                        problem = problem with { Status = status };
                        break;
                    case "violations" when value.ValueKind == JsonValueKind.Array:
                        problem = problem with { Violations = ReadViolations(value) };
                        break;
                    case "type" or "title" or "detail" or "instance" or "code" or "status" or "violations":
                        break;
                    default:
                        if (text is not null)
                        {
                            extensions[member.Name] = text;
                        }

                        break;
                }
            }

            return Complete(problem, codeName, extensions);
        }
    }

    private static ImmutableArray<ProblemViolation> ReadViolations(JsonElement array)
    {
        var violations = ImmutableArray.CreateBuilder<ProblemViolation>();
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (violations.Count >= MaxViolations)
            {
                break;
            }

            if (item.ValueKind == JsonValueKind.Object
                && item.TryGetProperty("message", out JsonElement message) && message.ValueKind == JsonValueKind.String)
            {
                string? field = item.TryGetProperty("field", out JsonElement f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
                violations.Add(new ProblemViolation(field, message.GetString()!));
            }
        }

        return violations.ToImmutable();
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
