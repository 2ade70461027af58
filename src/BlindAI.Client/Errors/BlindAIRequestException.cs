using System.Collections.Immutable;
using System.Net;
using BlindAI.Protocol.Problems;

namespace BlindAI.Client.Errors;

/// <summary>
/// The attested server refused or failed a request. <see cref="Problem"/> carries the RFC 9457 problem details when
/// the server sends them (type, code, violations); an original BlindAI server sends only a text message.
/// </summary>
public sealed class BlindAIRequestException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="problem">The problem details, when the server sent them.</param>
    /// <param name="message">The message.</param>
    /// <param name="retryAfter">How long the server asked the client to wait, from its <c>Retry-After</c> header.</param>
    /// <param name="innerException">The cause.</param>
    public BlindAIRequestException(HttpStatusCode statusCode, ProblemDetails? problem, string message, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Problem = problem;
        RetryAfter = retryAfter;
    }

    /// <summary>
    /// How long the server asked the client to wait before trying again (its <c>Retry-After</c> header, typically with
    /// 503 when it is busy, or 429), or <see langword="null"/> when it did not say. The client does not retry by itself:
    /// a run or upload is the caller's to repeat.
    /// </summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The HTTP status of the reply.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem details, or <see langword="null"/> for a server without them.</summary>
    public ProblemDetails? Problem { get; }

    /// <summary>The problem type URI (<c>urn:blindai:problem:…</c>), or <see langword="null"/>.</summary>
    public string? ProblemType => Problem?.Type;

    /// <summary>The problem code, when the type is one of BlindAI's.</summary>
    public ProblemCode? ProblemCode => Problem?.Code;

    /// <summary>Field-level violations reported by the server.</summary>
    public ImmutableArray<ProblemViolation> Violations => Problem?.Violations is { IsDefault: false } v ? v : [];
}
