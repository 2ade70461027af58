using System.Collections.Immutable;

namespace BlindAI.Protocol.Problems;

/// <summary>
/// An RFC 9457 problem details document: the standard members plus the BlindAI extension members <c>code</c>
/// (a <see cref="ProblemCode"/> name) and <c>violations</c>. Serialised as JSON (<c>application/problem+json</c>) or as
/// a CBOR map with the same member names (<c>application/problem+cbor</c>) by <see cref="ToJson"/>, <see cref="ToCbor"/>
/// and <see cref="Parse"/>.
/// </summary>
public sealed record ProblemDetails
{
    /// <summary>The RFC 9457 default type, meaning "no more semantics than the status code".</summary>
    public const string DefaultType = "about:blank";

    /// <summary>The problem type URI (<c>type</c>): <c>urn:blindai:problem:&lt;code&gt;</c> for BlindAI problems.</summary>
    public string Type { get; init; } = DefaultType;

    /// <summary>A short summary that does not vary between occurrences (<c>title</c>).</summary>
    public string? Title { get; init; }

    /// <summary>The HTTP status code (<c>status</c>).</summary>
    public int? Status { get; init; }

    /// <summary>An explanation of this occurrence (<c>detail</c>).</summary>
    public string? Detail { get; init; }

    /// <summary>A URI for this occurrence (<c>instance</c>), for example a request id.</summary>
    public string? Instance { get; init; }

    /// <summary>The BlindAI code (<c>code</c> member), or <see langword="null"/> when absent or unknown to this version.</summary>
    public ProblemCode? Code { get; init; }

    /// <summary>What is wrong with the request, field by field (<c>violations</c> member).</summary>
    public ImmutableArray<ProblemViolation> Violations { get; init; } = [];

    /// <summary>
    /// Other extension members with text values (for example <c>reason</c>, or a <c>code</c> this version does not know).
    /// Members of other types are dropped when parsing.
    /// </summary>
    public ImmutableSortedDictionary<string, string> Extensions { get; init; } = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>The name of <paramref name="code"/> as sent in the <c>code</c> member and ending the type URI, for example <c>unknown-model</c>.</summary>
    /// <param name="code">The code.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is not defined.</exception>
    public static string GetCodeName(ProblemCode code) => ProblemTypes.GetName(code);

    /// <summary>
    /// Parses a problem document by media type. Parsing follows RFC 9457 §3.1: a standard member of the wrong type is
    /// ignored, not an error; size, text and nesting are bounded as for every protocol message.
    /// </summary>
    /// <param name="body">The response body.</param>
    /// <param name="mediaType">The <c>Content-Type</c>: <c>application/problem+json</c> (or any <c>+json</c>/<c>json</c>) or <c>application/problem+cbor</c> (or any <c>+cbor</c>/<c>cbor</c>).</param>
    /// <returns>The problem.</returns>
    /// <exception cref="ProtocolException">The body is malformed.</exception>
    /// <exception cref="ArgumentException"><paramref name="mediaType"/> is neither JSON nor CBOR.</exception>
    public static ProblemDetails Parse(ReadOnlyMemory<byte> body, string mediaType) => ProblemDetailsSerializer.Default.Parse(body, mediaType);

    /// <summary>Writes the document as <c>application/problem+json</c>.</summary>
    /// <returns>The UTF-8 JSON body.</returns>
    public byte[] ToJson() => ProblemDetailsSerializer.Default.ToJson(this);

    /// <summary>Writes the document as <c>application/problem+cbor</c>: standard members, then <c>code</c>, <c>violations</c> and the text extensions.</summary>
    /// <returns>The CBOR body.</returns>
    public byte[] ToCbor() => ProblemDetailsSerializer.Default.ToCbor(this);

    /// <summary>Creates the problem for <paramref name="code"/> with its registered type, title and status.</summary>
    /// <param name="code">The code.</param>
    /// <param name="detail">An explanation of this occurrence, or <see langword="null"/>.</param>
    /// <returns>The problem.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is not defined.</exception>
    public static ProblemDetails Create(ProblemCode code, string? detail) => new()
    {
        Type = ProblemTypes.GetTypeUri(code),
        Title = ProblemTypes.GetTitle(code),
        Status = ProblemTypes.GetStatus(code),
        Detail = detail,
        Code = code,
    };

    /// <summary>
    /// The problem a server reports for a rejected message: a code chosen by the exception's reason (a size limit is
    /// <see cref="ProblemCode.PayloadTooLarge"/>, a shape mismatch <see cref="ProblemCode.TensorShapeMismatch"/>, ...),
    /// the exception message as detail, its field as a violation and its reason in the <c>reason</c> member.
    /// </summary>
    /// <param name="exception">The decoding failure.</param>
    /// <returns>The problem.</returns>
    public static ProblemDetails FromProtocolException(ProtocolException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return Create(ProblemTypes.FromProtocolError(exception.Reason), exception.Message) with
        {
            Violations = [new ProblemViolation(exception.FieldPath, exception.Message)],
            Extensions = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal)
                .Add("reason", ProblemTypes.GetReasonName(exception.Reason)),
        };
    }
}
