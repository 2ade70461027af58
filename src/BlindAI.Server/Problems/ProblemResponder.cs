using System.Globalization;
using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace BlindAI.Server.Problems;

/// <summary>
/// Writes error responses. A client that asks for problem details (<c>Accept: application/problem+json</c> or
/// <c>application/problem+cbor</c>) gets RFC 9457 details with the problem's own status. Any other client is treated as
/// the original BlindAI 0.6 client and gets exactly what the original server sent: status 500 with a CBOR text string
/// for the errors the original had, an empty 404 for unknown routes; the statuses the original never produced
/// (401, 403, 408, 413, 503 with <c>Retry-After</c>) keep their meaning, with the CBOR text body.
/// </summary>
internal static class ProblemResponder
{
    /// <summary>The response header naming the problem type in the original format, where the body is only text.</summary>
    public const string ProblemTypeHeader = "BlindAI-Problem-Type";

    public static async Task WriteAsync(HttpContext context, HostProblem problem)
    {
        HttpResponse response = context.Response;
        if (response.HasStarted)
        {
            context.Abort();
            return;
        }

        string? server = response.Headers.Server;
        response.Clear();
        response.Headers.Server = server;
        ProblemDetails details = problem.Details with { Instance = context.Request.Path.Value };
        int status = details.Status ?? StatusCodes.Status500InternalServerError;
        if (problem.RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (status == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        byte[] body;
        switch (Negotiate(context.Request))
        {
            case ProblemFormat.Json:
                response.StatusCode = status;
                response.ContentType = ProtocolMediaTypes.ProblemJson;
                body = details.ToJson();
                break;
            case ProblemFormat.Cbor:
                response.StatusCode = status;
                response.ContentType = ProtocolMediaTypes.ProblemCbor;
                body = details.ToCbor();
                break;
            default:
                response.Headers[ProblemTypeHeader] = details.Type;
                if (problem.Code == ProblemCode.NotFound)
                {
                    response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }

                response.StatusCode = IsOriginalError(problem.Code) ? StatusCodes.Status500InternalServerError : status;
                response.ContentType = ProtocolMediaTypes.Cbor;
                body = MessageCodec.Default.EncodeErrorText(details.Detail ?? details.Title ?? "Unknown error");
                break;
        }

        response.ContentLength = body.Length;
        // Not RequestAborted: after a request timeout it is already cancelled, and the problem must still go out.
        await response.Body.WriteAsync(body, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Which error format the request asks for.</summary>
    public static ProblemFormat Negotiate(HttpRequest request)
    {
        IList<MediaTypeHeaderValue> accept = request.GetTypedHeaders().Accept;
        ProblemFormat best = ProblemFormat.Original;
        double bestQuality = 0;
        foreach (MediaTypeHeaderValue value in accept)
        {
            double quality = value.Quality ?? 1;
            ProblemFormat format = value.MediaType.Value switch
            {
                ProtocolMediaTypes.ProblemJson => ProblemFormat.Json,
                ProtocolMediaTypes.ProblemCbor => ProblemFormat.Cbor,
                _ => ProblemFormat.Original,
            };
            if (format != ProblemFormat.Original && quality > bestQuality)
            {
                best = format;
                bestQuality = quality;
            }
        }

        return best;
    }

    // The errors the original server reported as 500 + text (its handlers' Err results).
    private static bool IsOriginalError(ProblemCode code) => code is ProblemCode.BadRequest or ProblemCode.MalformedCbor
        or ProblemCode.UnknownModel or ProblemCode.InvalidInput or ProblemCode.TensorShapeMismatch or ProblemCode.InvalidModel
        or ProblemCode.Internal or ProblemCode.UnsupportedMediaType;
}
