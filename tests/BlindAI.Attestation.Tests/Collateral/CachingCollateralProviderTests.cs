using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Pck;
using BlindAI.Attestation.Quotes;
using Microsoft.Extensions.Time.Testing;

namespace BlindAI.Attestation.Tests.Collateral;

/// <summary>What a server needs of the one collateral cache: concurrent requests for one platform share one fetch, and a caller that gives up does not cancel it for the others.</summary>
public sealed class CachingCollateralProviderTests
{
    [Fact]
    public async Task Concurrent_requests_before_the_first_fetch_completes_share_it()
    {
        var gated = new GatedProvider(CollateralVectors.SgxBundle());
        var cache = new CachingCollateralProvider(gated, new FakeTimeProvider(CollateralVectors.SgxNow));
        CollateralRequest request = CollateralRequest.For(Quote.Parse(Quotes.QuoteVectors.SgxV3));

        Task<QuoteCollateral>[] waiting = [.. Enumerable.Range(0, 8).Select(_ => cache.GetCollateralAsync(request))];
        Assert.All(waiting, t => Assert.False(t.IsCompleted));
        gated.Release();
        QuoteCollateral[] results = await Task.WhenAll(waiting);

        Assert.Equal(1, gated.Calls);
        Assert.All(results, r => Assert.Same(results[0], r));
    }

    [Fact]
    public async Task A_cancelled_caller_stops_waiting_without_cancelling_the_shared_fetch()
    {
        QuoteCollateral bundle = CollateralVectors.SgxBundle();
        var gated = new GatedProvider(bundle);
        var cache = new CachingCollateralProvider(gated, new FakeTimeProvider(CollateralVectors.SgxNow));
        CollateralRequest request = CollateralRequest.For(Quote.Parse(Quotes.QuoteVectors.SgxV3));
        using var impatient = new CancellationTokenSource();

        Task<QuoteCollateral> cancelled = cache.GetCollateralAsync(request, impatient.Token);
        Task<QuoteCollateral> patient = cache.GetCollateralAsync(request);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gated.Release();

        Assert.Same(bundle, await patient);
        Assert.Equal(1, gated.Calls);
        Assert.Same(await patient, await cache.GetCollateralAsync(request));
    }

    [Fact]
    public async Task Different_platforms_are_fetched_separately()
    {
        var gated = new GatedProvider(CollateralVectors.SgxBundle());
        gated.Release();
        var cache = new CachingCollateralProvider(gated, new FakeTimeProvider(CollateralVectors.SgxNow));

        await cache.GetCollateralAsync(new CollateralRequest(TeeType.Sgx, Convert.FromHexString("00a067110000"), PckCaType.Processor));
        await cache.GetCollateralAsync(new CollateralRequest(TeeType.Sgx, Convert.FromHexString("00a067110000"), PckCaType.Platform));
        await cache.GetCollateralAsync(new CollateralRequest(TeeType.Tdx, Convert.FromHexString("00a067110000"), PckCaType.Processor));

        Assert.Equal(3, gated.Calls);
    }

    private sealed class GatedProvider(QuoteCollateral collateral) : ICollateralProvider
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public void Release() => _gate.TrySetResult();

        public async Task<QuoteCollateral> GetCollateralAsync(CollateralRequest request, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            await _gate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return collateral;
        }
    }
}
