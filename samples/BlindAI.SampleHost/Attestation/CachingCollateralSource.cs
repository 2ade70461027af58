using BlindAI.SampleHost.Diagnostics;
using Microsoft.Extensions.Logging;

namespace BlindAI.SampleHost.Attestation;

/// <summary>Keeps the last collateral until its <c>nextUpdate</c>, so <c>/collateral</c> does not hit PCS or PCCS per request.</summary>
internal sealed class CachingCollateralSource : ICollateralSource, IDisposable
{
    private readonly ICollateralSource _inner;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private CollateralSnapshot? _cached;

    public CachingCollateralSource(ICollateralSource inner, TimeProvider timeProvider, ILogger<CachingCollateralSource> logger)
    {
        _inner = inner;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async Task<CollateralSnapshot> GetCollateralAsync(ReadOnlyMemory<byte> quote, CancellationToken cancellationToken)
    {
        CollateralSnapshot? cached = Volatile.Read(ref _cached);
        if (cached is not null && _timeProvider.GetUtcNow() < cached.NextUpdate)
        {
            return cached;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            cached = _cached;
            if (cached is not null && _timeProvider.GetUtcNow() < cached.NextUpdate)
            {
                return cached;
            }

            CollateralSnapshot fresh = await _inner.GetCollateralAsync(quote, cancellationToken).ConfigureAwait(false);
            HostLog.CollateralRefreshed(_logger, fresh.NextUpdate);
            Volatile.Write(ref _cached, fresh);
            return fresh;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose() => _refresh.Dispose();
}
