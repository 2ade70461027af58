using BlindAI.Protocol.Problems;
using BlindAI.Server.Diagnostics;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace BlindAI.Server.Problems;

/// <summary>
/// Turns every failure into a problem response (<see cref="ProblemResponder"/>), answers unknown routes with
/// <c>not-found</c>, and counts each request by route and outcome.
/// </summary>
internal sealed class ProblemMiddleware
{
    private readonly RequestDelegate _next;
    private readonly HostMetrics _metrics;
    private readonly ILogger _logger;

    public ProblemMiddleware(RequestDelegate next, HostMetrics metrics, ILogger<ProblemMiddleware> logger)
    {
        _next = next;
        _metrics = metrics;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        string route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
        HostProblem? problem = null;
        try
        {
            if (context.GetEndpoint() is null)
            {
                problem = HostProblem.Create(ProblemCode.NotFound, "No such route on this port.");
            }
            else
            {
                await _next(context).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (IsClientGone(exception, context))
        {
            // The client went away (or the request timed out and the timeout middleware answered): nothing to write,
            // and nothing went wrong in the server.
            _metrics.RecordRequest(route, "aborted");
            return;
        }
        catch (Exception exception)
        {
            problem = HostProblem.FromException(exception);
            if (problem is null)
            {
                HostLog.UnexpectedError(_logger, context.Request.Method, route, exception);
                problem = HostProblem.Create(ProblemCode.Internal, "An internal error has occurred on the server.");
            }
        }

        if (problem is not null)
        {
            HostLog.ProblemReturned(_logger, context.Request.Method, route, ProblemDetails.GetCodeName(problem.Code), problem.Details.Status ?? 500);
            await ProblemResponder.WriteAsync(context, problem).ConfigureAwait(false);
            _metrics.RecordRequest(route, ProblemDetails.GetCodeName(problem.Code));
            return;
        }

        _metrics.RecordRequest(route, context.Response.StatusCode < 400 ? "ok" : context.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    // A client that resets its connection mid-body surfaces as ConnectionResetException from the body read, possibly
    // before RequestAborted is signalled.
    private static bool IsClientGone(Exception exception, HttpContext context) =>
        exception is ConnectionResetException
        || (exception is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested);
}
