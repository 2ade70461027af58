using System.Threading.RateLimiting;
using BlindAI.Protocol.Problems;
using BlindAI.SampleHost.Configuration;
using BlindAI.SampleHost.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace BlindAI.SampleHost.Hosting;

/// <summary>
/// Bounded concurrency per listener (requests beyond the bound and its queue get 503 <c>busy</c> with
/// <c>Retry-After</c>) and request timeouts per route (408 <c>request-timeout</c>).
/// </summary>
internal static class RequestLimits
{
    public const string UntrustedPolicy = "untrusted";
    public const string AttestedPolicy = "attested";
    public const string ManagementPolicy = "management";
    public const string RunTimeoutPolicy = "run";
    public const string UploadTimeoutPolicy = "upload";
    public const string DefaultTimeoutPolicy = "default";

    public static IServiceCollection AddRequestLimits(this IServiceCollection services, SampleHostLimits limits)
    {
        services.AddRateLimiter(rateLimiter =>
        {
            rateLimiter.AddConcurrencyLimiter(UntrustedPolicy, o => Configure(o, limits.MaxConcurrentUntrusted, limits.MaxQueuedRequests));
            rateLimiter.AddConcurrencyLimiter(AttestedPolicy, o => Configure(o, limits.MaxConcurrentRuns, limits.MaxQueuedRequests));
            rateLimiter.AddConcurrencyLimiter(ManagementPolicy, o => Configure(o, limits.MaxConcurrentManagement, limits.MaxQueuedRequests));
            rateLimiter.OnRejected = (context, _) => new ValueTask(ProblemResponder.WriteAsync(
                context.HttpContext,
                HostProblem.Create(ProblemCode.Busy, "The server is at its concurrency limit; retry later.", limits.RetryAfter)));
        });
        services.AddRequestTimeouts(timeouts =>
        {
            timeouts.AddPolicy(RunTimeoutPolicy, Policy(limits.RunTimeout));
            timeouts.AddPolicy(UploadTimeoutPolicy, Policy(limits.UploadTimeout));
            timeouts.AddPolicy(DefaultTimeoutPolicy, Policy(limits.DefaultTimeout));
        });
        return services;
    }

    private static void Configure(ConcurrencyLimiterOptions options, int permits, int queue)
    {
        options.PermitLimit = permits;
        options.QueueLimit = queue;
        options.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
    }

    private static RequestTimeoutPolicy Policy(TimeSpan timeout) => new()
    {
        Timeout = timeout,
        TimeoutStatusCode = StatusCodes.Status408RequestTimeout,
        WriteTimeoutResponse = context => ProblemResponder.WriteAsync(
            context,
            HostProblem.Create(ProblemCode.RequestTimeout, $"The request took longer than this route allows ({timeout.TotalSeconds:0.###} s).")),
    };
}
