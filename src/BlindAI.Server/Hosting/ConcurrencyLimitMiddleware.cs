using System.Threading.RateLimiting;
using BlindAI.Protocol.Problems;
using BlindAI.Server.Problems;
using Microsoft.AspNetCore.Http;

namespace BlindAI.Server.Hosting;

/// <summary>
/// Bounded concurrency per listener: every endpoint (each carries its <see cref="ListenerRoleMetadata"/>) holds a
/// permit of its listener's limiter while it runs; beyond the permits and the queue the request gets 503 <c>busy</c>
/// with <c>Retry-After</c>. Requests without an endpoint (answered <c>not-found</c> earlier) take no permit.
/// </summary>
internal sealed class ConcurrencyLimitMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ListenerConcurrencyLimits _limits;

    public ConcurrencyLimitMiddleware(RequestDelegate next, ListenerConcurrencyLimits limits)
    {
        _next = next;
        _limits = limits;
    }

    public Task InvokeAsync(HttpContext context)
    {
        ListenerRole? role = context.GetEndpoint()?.Metadata.GetMetadata<ListenerRoleMetadata>()?.Role;
        if (role is not { } listener)
        {
            return _next(context);
        }

        ConcurrencyLimiter limiter = _limits.For(listener);
        RateLimitLease lease = limiter.AttemptAcquire();
        return lease.IsAcquired ? RunAsync(context, lease) : QueueAsync(context, limiter, lease);
    }

    private async Task RunAsync(HttpContext context, RateLimitLease lease)
    {
        using (lease)
        {
            await _next(context).ConfigureAwait(false);
        }
    }

    private async Task QueueAsync(HttpContext context, ConcurrencyLimiter limiter, RateLimitLease refused)
    {
        refused.Dispose();
        RateLimitLease lease = await limiter.AcquireAsync(1, context.RequestAborted).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            await ProblemResponder.WriteAsync(
                context,
                HostProblem.Create(ProblemCode.Busy, "The server is at its concurrency limit; retry later.", _limits.RetryAfter)).ConfigureAwait(false);
            return;
        }

        await RunAsync(context, lease).ConfigureAwait(false);
    }
}
