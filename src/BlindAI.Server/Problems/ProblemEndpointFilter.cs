using Microsoft.AspNetCore.Http;

namespace BlindAI.Server.Problems;

/// <summary>
/// For route groups mapped into an application's own pipeline (without the full server's problem middleware): a
/// failure the server knows (bad request, attestation unavailable, engine error) is answered as the same problem
/// response the full server gives; anything else is left to the application's own error handling.
/// </summary>
internal sealed class ProblemEndpointFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (Exception exception) when (HostProblem.FromException(exception) is { } problem)
        {
            return new ProblemResult(problem);
        }
    }

    private sealed class ProblemResult(HostProblem problem) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => ProblemResponder.WriteAsync(httpContext, problem);
    }
}
