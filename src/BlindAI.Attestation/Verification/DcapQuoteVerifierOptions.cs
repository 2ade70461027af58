using BlindAI.Attestation.Collateral;

namespace BlindAI.Attestation.Verification;

/// <summary>What a <see cref="DcapQuoteVerifier"/> trusts and how strictly it treats collateral.</summary>
internal sealed record DcapQuoteVerifierOptions
{
    /// <summary>The strict defaults: the Intel SGX Root CA, no grace for expired collateral.</summary>
    public static DcapQuoteVerifierOptions Default { get; } = new();

    /// <summary>
    /// The root every certificate chain must lead to. The default is the embedded Intel SGX Root CA; anything else
    /// (a simulated platform's root) must be named explicitly through <see cref="TrustAnchor.InsecureNonIntelRoot"/>.
    /// </summary>
    public TrustAnchor TrustAnchor { get; init; } = TrustAnchor.IntelSgxRootCa;

    /// <summary>Collateral rules (for example a grace period for expired collateral). Strict by default.</summary>
    public CollateralVerificationOptions Collateral { get; init; } = CollateralVerificationOptions.Strict;
}
