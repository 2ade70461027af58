using System.Collections.Immutable;
using BlindAI.Protocol.Cbor;

namespace BlindAI.Protocol.Problems;

/// <summary>
/// Writes and reads <see cref="ProblemDetails"/> as JSON (<c>application/problem+json</c>) and CBOR
/// (<c>application/problem+cbor</c>, a map with the JSON member names). Parsing follows RFC 9457 §3.1: a standard
/// member of the wrong type is ignored, not an error; malformed documents raise <see cref="ProtocolException"/>.
/// </summary>
internal sealed partial class ProblemDetailsSerializer
{
    private const int MaxViolations = 256;

    private static readonly FieldSet Members = new("ProblemDetails", ["type", "title", "status", "detail", "instance", "code", "violations"], 0);
    private static readonly FieldSet ViolationMembers = new("ProblemViolation", ["field", "message"], 0);

    /// <summary>Creates a serializer that parses within <paramref name="limits"/> (default: <see cref="ProtocolLimits.Default"/>).</summary>
    /// <param name="limits">Size, text and nesting limits for parsing.</param>
    /// <exception cref="ArgumentException">A limit is out of range.</exception>
    public ProblemDetailsSerializer(ProtocolLimits? limits = null)
    {
        limits ??= ProtocolLimits.Default;
        limits.Validate();
        Limits = limits;
    }

    /// <summary>A serializer with the default limits.</summary>
    public static ProblemDetailsSerializer Default { get; } = new();

    /// <summary>The parsing limits.</summary>
    public ProtocolLimits Limits { get; }

    /// <summary>Parses a problem document by media type.</summary>
    /// <param name="body">The response body.</param>
    /// <param name="mediaType">The <c>Content-Type</c> without parameters: <c>application/problem+json</c> (or any <c>+json</c>/<c>json</c>) or <c>application/problem+cbor</c> (or any <c>+cbor</c>/<c>cbor</c>).</param>
    /// <returns>The problem.</returns>
    /// <exception cref="ProtocolException">The body is malformed.</exception>
    /// <exception cref="ArgumentException"><paramref name="mediaType"/> is neither JSON nor CBOR.</exception>
    public ProblemDetails Parse(ReadOnlyMemory<byte> body, string mediaType)
    {
        return IsJson(mediaType) ? FromJson(body) : FromCbor(body);
    }

    /// <summary>Writes the document in the given media type (the one a server picked from the client's <c>Accept</c> header; the server package negotiates it).</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="mediaType"><c>application/problem+json</c> (or any JSON type) or <c>application/problem+cbor</c> (or any CBOR type).</param>
    /// <returns>The body.</returns>
    /// <exception cref="ArgumentException"><paramref name="mediaType"/> is neither JSON nor CBOR.</exception>
    public byte[] Serialize(ProblemDetails problem, string mediaType)
    {
        return IsJson(mediaType) ? ToJson(problem) : ToCbor(problem);
    }

    /// <summary>Whether a media type (parameters allowed) is JSON (<see langword="true"/>) or CBOR (<see langword="false"/>).</summary>
    private static bool IsJson(string mediaType)
    {
        ArgumentNullException.ThrowIfNull(mediaType);
        string type = mediaType.Split(';')[0].Trim();
        if (type.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (type.EndsWith("cbor", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        throw new ArgumentException($"'{mediaType}' is not a JSON or CBOR media type.", nameof(mediaType));
    }

    /// <summary>Writes the document as a CBOR map: standard members, then <c>code</c>, <c>violations</c> and the text extensions.</summary>
    /// <param name="problem">The problem.</param>
    /// <returns>The CBOR body.</returns>
    public byte[] ToCbor(ProblemDetails problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return CborOutput.Encode(problem, static (w, p) =>
        {
            List<KeyValuePair<string, string>> extensions = ExtensionsToWrite(p);
            int count = 1 + (p.Title is null ? 0 : 1) + (p.Status is null ? 0 : 1) + (p.Detail is null ? 0 : 1)
                + (p.Instance is null ? 0 : 1) + (p.Code is null ? 0 : 1) + (p.Violations.IsDefaultOrEmpty ? 0 : 1) + extensions.Count;
            w.WriteMapHeader(count);
            w.WriteKey("type"u8);
            w.WriteText(p.Type);
            if (p.Title is not null)
            {
                w.WriteKey("title"u8);
                w.WriteText(p.Title);
            }

            if (p.Status is int status)
            {
                w.WriteKey("status"u8);
                w.WriteUInt64((ulong)Math.Max(0, status));
            }

            if (p.Detail is not null)
            {
                w.WriteKey("detail"u8);
                w.WriteText(p.Detail);
            }

            if (p.Instance is not null)
            {
                w.WriteKey("instance"u8);
                w.WriteText(p.Instance);
            }

            if (p.Code is ProblemCode code)
            {
                w.WriteKey("code"u8);
                w.WriteText(ProblemTypes.GetName(code));
            }

            if (!p.Violations.IsDefaultOrEmpty)
            {
                w.WriteKey("violations"u8);
                w.WriteArrayHeader(p.Violations.Length);
                foreach (ProblemViolation violation in p.Violations)
                {
                    w.WriteMapHeader(violation.Field is null ? 1 : 2);
                    if (violation.Field is not null)
                    {
                        w.WriteKey("field"u8);
                        w.WriteText(violation.Field);
                    }

                    w.WriteKey("message"u8);
                    w.WriteText(violation.Message);
                }
            }

            foreach (KeyValuePair<string, string> member in extensions)
            {
                w.WriteText(member.Key);
                w.WriteText(member.Value);
            }
        });
    }

    /// <summary>Parses a CBOR problem document.</summary>
    /// <param name="body">The body.</param>
    /// <returns>The problem.</returns>
    /// <exception cref="ProtocolException">The body is not a well-formed CBOR map or exceeds a limit.</exception>
    public ProblemDetails FromCbor(ReadOnlyMemory<byte> body) => WireReader.Decode(body, Limits, Limits.MaxMessageBytes, static r =>
    {
        var problem = new ProblemDetails();
        var extensions = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        string? codeName = null;
        StructScope scope = r.BeginStruct(Members);
        while (r.NextMember(ref scope, out int field, out string? otherKey))
        {
            int major = r.PeekMajorType();
            switch (field)
            {
                case 2 when major == 0:
                    ulong status = r.ReadUInt64();
                    problem = problem with { Status = status <= 999 ? (int)status : null };
                    break;
                case 6 when major == 4:
                    problem = problem with { Violations = ReadViolations(r) };
                    break;
                case not (2 or 6) when major == 3:
                    string text = r.ReadText();
                    switch (field)
                    {
                        case 0: problem = problem with { Type = text }; break;
                        case 1: problem = problem with { Title = text }; break;
                        case 3: problem = problem with { Detail = text }; break;
                        case 4: problem = problem with { Instance = text }; break;
                        case 5: codeName = text; break;
                        default: extensions[otherKey!] = text; break;
                    }

                    break;
                default:
                    // RFC 9457 §3.1: a member of the wrong type is ignored.
                    r.SkipValue();
                    break;
            }

            r.EndField();
        }

        r.EndStruct(ref scope);
        return Complete(problem, codeName, extensions);
    });

    private static ImmutableArray<ProblemViolation> ReadViolations(WireReader r)
    {
        ArrayScope array = r.BeginArray(MaxViolations, ProtocolErrorReason.InvalidValue, "violation list");
        var violations = ImmutableArray.CreateBuilder<ProblemViolation>();
        int read = 0;
        while (r.HasNextElement(array, read, MaxViolations, ProtocolErrorReason.InvalidValue, "violation list"))
        {
            r.PushPath(read++);
            if (r.PeekMajorType() != 5)
            {
                r.SkipValue();
                r.PopPath();
                continue;
            }

            string? fieldPath = null, message = null;
            StructScope scope = r.BeginStruct(ViolationMembers);
            while (r.NextMember(ref scope, out int field, out _))
            {
                if (field >= 0 && r.PeekMajorType() == 3)
                {
                    string text = r.ReadText();
                    if (field == 0)
                    {
                        fieldPath = text;
                    }
                    else
                    {
                        message = text;
                    }
                }
                else
                {
                    r.SkipValue();
                }

                r.EndField();
            }

            r.EndStruct(ref scope);
            if (message is not null)
            {
                violations.Add(new ProblemViolation(fieldPath, message));
            }

            r.PopPath();
        }

        r.EndArray(array);
        return violations.ToImmutable();
    }

    private static List<KeyValuePair<string, string>> ExtensionsToWrite(ProblemDetails problem)
    {
        // Standard and BlindAI members are written from their properties; an extension may not shadow them.
        var list = new List<KeyValuePair<string, string>>();
        if (problem.Extensions is null)
        {
            return list;
        }

        foreach (KeyValuePair<string, string> member in problem.Extensions)
        {
            if (Array.IndexOf(Members.Names, member.Key) < 0 || (member.Key == "code" && problem.Code is null))
            {
                list.Add(member);
            }
        }

        return list;
    }

    private static ProblemDetails Complete(ProblemDetails problem, string? codeName, ImmutableSortedDictionary<string, string>.Builder extensions)
    {
        if (codeName is not null)
        {
            if (ProblemTypes.TryParseName(codeName, out ProblemCode code))
            {
                problem = problem with { Code = code };
            }
            else
            {
                // A code from a newer server: keep it visible rather than dropping it.
                extensions["code"] = codeName;
            }
        }

        return problem with { Extensions = extensions.ToImmutable() };
    }
}
