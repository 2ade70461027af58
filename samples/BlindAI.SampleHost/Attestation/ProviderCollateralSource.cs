using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Protocol.Messages;

namespace BlindAI.SampleHost.Attestation;

/// <summary>
/// <c>/collateral</c> from an <see cref="ICollateralProvider"/> (Intel PCS or a PCCS): asks for the collateral of the
/// quote's platform (FMSPC and PCK CA from its PCK certificate) and puts it in the original wire shape, the TCB Info
/// and QE Identity as PCS returns them (signed JSON byte for byte, then the signature).
/// </summary>
internal sealed class ProviderCollateralSource : ICollateralSource
{
    private readonly ICollateralProvider _provider;

    public ProviderCollateralSource(ICollateralProvider provider) => _provider = provider;

    public async Task<CollateralSnapshot> GetCollateralAsync(ReadOnlyMemory<byte> quote, CancellationToken cancellationToken)
    {
        Quote parsed = Quote.Parse(quote.Span);
        QuoteCollateral collateral = await _provider.GetCollateralAsync(CollateralRequest.For(parsed), cancellationToken).ConfigureAwait(false);
        SgxCollateral wire = collateral.ToSgxCollateral(parsed);
        return new CollateralSnapshot(wire, collateral.NextUpdate);
    }
}
