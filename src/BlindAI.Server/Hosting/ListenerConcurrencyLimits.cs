using System.Threading.RateLimiting;
using BlindAI.Server.Configuration;

namespace BlindAI.Server.Hosting;

/// <summary>
/// One concurrency limiter per listener (permits from <see cref="BlindAIServerLimits"/>, a shared queue bound, oldest
/// first). Held directly rather than through ASP.NET Core's partitioned rate limiter, whose per-request policy lookup,
/// partitioning and lease bookkeeping cost tens of microseconds per request: a noticeable share of a small model's call.
/// </summary>
internal sealed class ListenerConcurrencyLimits : IDisposable
{
    private readonly ConcurrencyLimiter _untrusted;
    private readonly ConcurrencyLimiter _attested;
    private readonly ConcurrencyLimiter _management;

    public ListenerConcurrencyLimits(BlindAIServerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _untrusted = Create(limits.MaxConcurrentUntrusted, limits.MaxQueuedRequests);
        _attested = Create(limits.MaxConcurrentRuns, limits.MaxQueuedRequests);
        _management = Create(limits.MaxConcurrentManagement, limits.MaxQueuedRequests);
        RetryAfter = limits.RetryAfter;
    }

    /// <summary>What a refused client is told to wait before retrying.</summary>
    public TimeSpan RetryAfter { get; }

    public ConcurrencyLimiter For(ListenerRole role) => role switch
    {
        ListenerRole.Untrusted => _untrusted,
        ListenerRole.Attested => _attested,
        ListenerRole.Management => _management,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown listener."),
    };

    public void Dispose()
    {
        _untrusted.Dispose();
        _attested.Dispose();
        _management.Dispose();
    }

    private static ConcurrencyLimiter Create(int permits, int queue) => new(new ConcurrencyLimiterOptions
    {
        PermitLimit = permits,
        QueueLimit = queue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });
}
