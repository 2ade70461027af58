using System.Collections.Concurrent;

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// Caches another provider's collateral per TEE type, FMSPC and PCK CA until the collateral's earliest
/// <c>nextUpdate</c> (<see cref="QuoteCollateral.NextUpdate"/>), read from a <see cref="TimeProvider"/>. Concurrent
/// requests for the same key share one fetch; failures are not cached.
/// </summary>
public sealed class CachingCollateralProvider : ICollateralProvider
{
    private const int MaxEntries = 1024;

    private readonly ICollateralProvider inner;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<CollateralRequest, Lazy<Task<QuoteCollateral>>> entries = new();

    /// <summary>Creates the cache.</summary>
    /// <param name="inner">The provider that fetches on a miss.</param>
    /// <param name="timeProvider">The clock that decides expiry.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    public CachingCollateralProvider(ICollateralProvider inner, TimeProvider timeProvider, ILogger<CachingCollateralProvider>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.inner = inner;
        this.timeProvider = timeProvider;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The provider behind the cache (tests check the DI registration's wiring).</summary>
    internal ICollateralProvider Inner => inner;

    /// <inheritdoc />
    public async Task<QuoteCollateral> GetCollateralAsync(CollateralRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cached = await GetSharedAsync(request, dropIfExpired: true, cancellationToken).ConfigureAwait(false);
        if (cached is not null)
        {
            CollateralLog.CacheHit(logger, request, cached.NextUpdate);
            return cached;
        }

        // Fetch once more. If the source itself serves collateral past nextUpdate, it is returned as is:
        // verification rejects it with a precise reason, and it is dropped again on the next request.
        return (await GetSharedAsync(request, dropIfExpired: false, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Drops every cached entry.</summary>
    public void Clear() => entries.Clear();

    private async Task<QuoteCollateral?> GetSharedAsync(CollateralRequest request, bool dropIfExpired, CancellationToken cancellationToken)
    {
        var entry = entries.GetOrAdd(request, key => new Lazy<Task<QuoteCollateral>>(() => FetchAsync(key)));
        QuoteCollateral collateral;
        try
        {
            // The shared fetch is not tied to one caller's token; each caller stops waiting on its own.
            collateral = await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            entries.TryRemove(new KeyValuePair<CollateralRequest, Lazy<Task<QuoteCollateral>>>(request, entry));
            throw;
        }

        if (dropIfExpired && timeProvider.GetUtcNow() >= collateral.NextUpdate)
        {
            CollateralLog.CacheExpired(logger, request, collateral.NextUpdate);
            entries.TryRemove(new KeyValuePair<CollateralRequest, Lazy<Task<QuoteCollateral>>>(request, entry));
            return null;
        }

        return collateral;
    }

    private Task<QuoteCollateral> FetchAsync(CollateralRequest request)
    {
        if (entries.Count > MaxEntries)
        {
            entries.Clear();
        }

        return inner.GetCollateralAsync(request, CancellationToken.None);
    }
}
