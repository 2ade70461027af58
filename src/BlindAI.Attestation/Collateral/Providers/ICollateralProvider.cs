namespace BlindAI.Attestation.Collateral;

/// <summary>
/// Supplies the collateral for a quote: Intel PCS, a PCCS, a static bundle, or a cache in front of one of them.
/// Providers only fetch and parse; <see cref="CollateralVerifier"/> decides whether the collateral can be trusted, so a
/// provider never needs to be trusted itself.
/// </summary>
public interface ICollateralProvider
{
    /// <summary>Gets the collateral for a TEE type, FMSPC and PCK CA type.</summary>
    /// <param name="request">What to get.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The parsed, not yet verified, collateral.</returns>
    /// <exception cref="AttestationException">The collateral is not available (<see cref="AttestationFailureReason.EvidenceMissing"/>).</exception>
    /// <exception cref="AttestationFormatException">The source returned malformed collateral.</exception>
    Task<QuoteCollateral> GetCollateralAsync(CollateralRequest request, CancellationToken cancellationToken = default);
}
