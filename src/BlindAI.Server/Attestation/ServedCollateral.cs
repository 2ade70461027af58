using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Protocol.Messages;

namespace BlindAI.Server.Attestation;

/// <summary>
/// <c>/collateral</c>: asks the application's one <see cref="ICollateralProvider"/> (Intel PCS, a PCCS or the simulated
/// platform, each behind the one <see cref="CachingCollateralProvider"/>) for the collateral of the quote's platform
/// (FMSPC and PCK CA from its PCK certificate), and puts it in the original wire shape with the one wire mapping
/// (<c>ToSgxCollateral</c>): the TCB Info and QE Identity as PCS returns them (signed JSON byte for byte, then the signature).
/// </summary>
internal static class ServedCollateral
{
    public static async Task<SgxCollateral> GetAsync(ICollateralProvider provider, ReadOnlyMemory<byte> quote, CancellationToken cancellationToken)
    {
        Quote parsed = Quote.Parse(quote.Span);
        QuoteCollateral collateral = await provider.GetCollateralAsync(CollateralRequest.For(parsed), cancellationToken).ConfigureAwait(false);
        return collateral.ToSgxCollateral(parsed);
    }
}
