using BlindAI.Protocol.Problems;
using BlindAI.Server.Configuration;
using BlindAI.Server.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BlindAI.Server.Hosting;

/// <summary>
/// Bounded concurrency per listener (<see cref="ConcurrencyLimitMiddleware"/>: requests beyond the bound and its queue
/// get 503 <c>busy</c> with <c>Retry-After</c>) and request timeouts per route (408 <c>request-timeout</c>).
/// </summary>
internal static class RequestLimits
{
    public const string RunTimeoutPolicy = "run";
    public const string UploadTimeoutPolicy = "upload";
    public const string DefaultTimeoutPolicy = "default";

    public static IServiceCollection AddRequestLimits(this IServiceCollection services)
    {
        services.AddSingleton(sp => new ListenerConcurrencyLimits(sp.GetRequiredService<IOptions<BlindAIServerOptions>>().Value.Limits));
        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<BlindAIServerOptions>>((timeouts, server) =>
        {
            BlindAIServerLimits limits = server.Value.Limits;
            timeouts.AddPolicy(RunTimeoutPolicy, Policy(limits.RunTimeout));
            timeouts.AddPolicy(UploadTimeoutPolicy, Policy(limits.UploadTimeout));
            timeouts.AddPolicy(DefaultTimeoutPolicy, Policy(limits.DefaultTimeout));
        });
        return services;
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
