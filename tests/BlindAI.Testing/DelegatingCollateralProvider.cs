using BlindAI.Attestation.Collateral;

namespace BlindAI.Testing;

/// <summary>A client-side collateral provider that answers every request with what <paramref name="collateral"/> returns (made on each request, as a live source would).</summary>
public sealed class DelegatingCollateralProvider(Func<QuoteCollateral> collateral) : ICollateralProvider
{
    public Task<QuoteCollateral> GetCollateralAsync(CollateralRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(collateral());
}
