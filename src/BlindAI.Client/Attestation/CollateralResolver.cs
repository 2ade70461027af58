using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;

namespace BlindAI.Client.Attestation;

/// <summary>
/// Supplies the collateral (CRLs, TCB Info, QE Identity) for a quote from a source the client chooses: Intel PCS, a
/// PCCS, a static bundle. The collateral need not be trusted: its signatures are verified against the trust anchor.
/// </summary>
/// <param name="quote">The quote to verify.</param>
/// <param name="cancellationToken">Cancels the request.</param>
/// <returns>The collateral, parsed but not verified.</returns>
public delegate Task<QuoteCollateral> CollateralResolver(Quote quote, CancellationToken cancellationToken);
