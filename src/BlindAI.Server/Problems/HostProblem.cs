using System.Collections.Immutable;
using BlindAI.Enclave.Quoting;
using BlindAI.Inference;
using BlindAI.Protocol;
using BlindAI.Protocol.Problems;
using Microsoft.AspNetCore.Http;

namespace BlindAI.Server.Problems;

/// <summary>A problem to send: the RFC 9457 details, and the <c>Retry-After</c> delay when the client should come back.</summary>
/// <param name="Details">The problem details (type <c>urn:blindai:problem:&lt;code&gt;</c>, status, detail, violations).</param>
/// <param name="RetryAfter">The <c>Retry-After</c> delay, for <c>busy</c>.</param>
internal sealed record HostProblem(ProblemDetails Details, TimeSpan? RetryAfter = null)
{
    private static readonly ImmutableSortedDictionary<string, string> NoExtensions =
        ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    public ProblemCode Code => Details.Code ?? ProblemCode.Internal;

    public static HostProblem Create(ProblemCode code, string detail, TimeSpan? retryAfter = null) =>
        new(ProblemDetails.Create(code, detail), retryAfter);

    /// <summary>Maps what the libraries throw to problems; <see langword="null"/> for unexpected exceptions (→ <c>internal</c>, details only in the log).</summary>
    public static HostProblem? FromException(Exception exception) => exception switch
    {
        HostProblemException host => Create(host.Code, host.Message, host.RetryAfter),
        ProtocolException protocol => new(ProblemDetails.FromProtocolException(protocol)),
        InferenceException inference => FromInference(inference),
        EvidenceException evidence => Create(
            ProblemCode.AttestationUnavailable,
            $"The server could not produce evidence ({evidence.Reason})."),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => Create(
            ProblemCode.PayloadTooLarge, "The request body is larger than this route accepts."),
        BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout } => Create(
            ProblemCode.RequestTimeout, "The request body arrived too slowly."),
        BadHttpRequestException => Create(ProblemCode.BadRequest, "The HTTP request is malformed."),
        _ => null,
    };

    private static HostProblem FromInference(InferenceException exception)
    {
        ProblemCode code = exception.Reason switch
        {
            InferenceErrorReason.UnknownModel => ProblemCode.UnknownModel,
            InferenceErrorReason.InvalidModel or InferenceErrorReason.UnsupportedModel => ProblemCode.InvalidModel,
            InferenceErrorReason.ModelTooLarge or InferenceErrorReason.RequestTooLarge => ProblemCode.PayloadTooLarge,
            InferenceErrorReason.InvalidInput => IsShapeProblem(exception) ? ProblemCode.TensorShapeMismatch : ProblemCode.InvalidInput,
            InferenceErrorReason.Busy => ProblemCode.Busy,
            _ => ProblemCode.Internal,
        };

        // RunFailed and StorageFailed can carry ONNX Runtime or file-system text: keep it in the log, not in the response.
        string detail = code == ProblemCode.Internal ? "The model could not be run or stored." : exception.Message;
        ImmutableSortedDictionary<string, string> extensions = NoExtensions;
        if (exception.InputName is not null)
        {
            extensions = extensions.Add("input", exception.InputName);
        }

        if (exception.Expected is not null)
        {
            extensions = extensions.Add("expected", exception.Expected);
        }

        if (exception.Actual is not null)
        {
            extensions = extensions.Add("actual", exception.Actual);
        }

        ProblemDetails details = ProblemDetails.Create(code, detail) with
        {
            Extensions = extensions,
            Violations = exception.InputName is null ? [] : [new ProblemViolation(exception.InputName, exception.Message)],
        };
        return new HostProblem(details, exception.Reason == InferenceErrorReason.Busy ? exception.RetryAfter ?? TimeSpan.FromSeconds(1) : null);
    }

    // The engine reports shape and byte-count mismatches as InvalidInput; its Expected value is then a shape such as
    // "[N, 4]" or a byte count for that shape. Element type, name and arity problems stay invalid-input.
    private static bool IsShapeProblem(InferenceException exception) =>
        exception.Expected is { } expected
        && (expected.StartsWith('[') || expected.EndsWith(" bytes", StringComparison.Ordinal));
}
