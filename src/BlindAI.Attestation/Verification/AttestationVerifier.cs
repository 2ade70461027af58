using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Quotes;

namespace BlindAI.Attestation.Verification;

/// <summary>
/// Verifies a quote the way a relying party must: every DCAP check of Intel's quote verification library against the
/// quote's collateral, then an <see cref="AttestationPolicy"/>. The policy's collateral grace period
/// (<see cref="AttestationPolicy.CollateralGracePeriod"/>) is applied to the DCAP checks too, so expired collateral that
/// the policy accepts reaches the policy instead of failing first; nothing else is relaxed.
/// </summary>
/// <remarks>
/// Collateral verified once is cached per <see cref="QuoteCollateral"/> instance for as long as it stays valid, so verifying
/// many quotes against the same collateral only costs the per-quote signatures. Instances are thread-safe.
/// </remarks>
/// <example>
/// <code>
/// var verifier = new AttestationVerifier(AttestationPolicy.Strict.RequireMrEnclave(expected));
/// QuoteVerificationResult result = verifier.Verify(Quote.Parse(quoteBytes), collateral); // throws AttestationException
/// </code>
/// </example>
public sealed class AttestationVerifier
{
    private readonly DcapQuoteVerifier _dcap;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a verifier for one policy and one trust anchor.</summary>
    /// <param name="policy">The policy every verified quote must satisfy; its grace period also applies to collateral expiry.</param>
    /// <param name="trustAnchor">The root every chain must lead to; <see langword="null"/> for the Intel SGX Root CA.</param>
    /// <param name="timeProvider">The clock of the overloads without an explicit instant; <see langword="null"/> for the system clock.</param>
    public AttestationVerifier(AttestationPolicy policy, TrustAnchor? trustAnchor = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Policy = policy;
        TrustAnchor = trustAnchor ?? TrustAnchor.IntelSgxRootCa;
        _timeProvider = timeProvider ?? TimeProvider.System;

        // The policy's explicit grace period is the only relaxation the DCAP checks ever get, and they get it from here:
        // a caller cannot pair a lenient policy with a strict verifier (an exception before the policy is consulted) or
        // the reverse (collateral accepted that the policy never agreed to).
        _dcap = new DcapQuoteVerifier(
            new DcapQuoteVerifierOptions
            {
                TrustAnchor = TrustAnchor,
                Collateral = new CollateralVerificationOptions { AcceptExpiredCollateralFor = policy.CollateralGracePeriod },
            },
            _timeProvider);
    }

    /// <summary>The policy every quote must satisfy.</summary>
    public AttestationPolicy Policy { get; }

    /// <summary>The root every certificate chain must lead to.</summary>
    public TrustAnchor TrustAnchor { get; }

    /// <summary>Verifies a quote and checks the policy at the current time of the verifier's clock.</summary>
    /// <param name="quote">The parsed quote.</param>
    /// <param name="collateral">The collateral for the quote's platform (need not be trusted: its signatures are checked).</param>
    /// <returns>The verified TCB status, advisories and identity; the policy holds for it.</returns>
    /// <exception cref="AttestationException">A DCAP check failed, or the policy is not satisfied (reason <see cref="AttestationFailureReason.PolicyViolation"/>, every violation listed).</exception>
    public QuoteVerificationResult Verify(Quote quote, QuoteCollateral collateral) => Verify(quote, collateral, _timeProvider.GetUtcNow());

    /// <summary>Verifies a quote and checks the policy at an explicit instant (for recorded evidence).</summary>
    /// <param name="quote">The parsed quote.</param>
    /// <param name="collateral">The collateral for the quote's platform.</param>
    /// <param name="now">The instant at which certificates, CRLs and collateral must be valid.</param>
    /// <returns>The verified TCB status, advisories and identity; the policy holds for it.</returns>
    /// <exception cref="AttestationException">A DCAP check failed, or the policy is not satisfied.</exception>
    public QuoteVerificationResult Verify(Quote quote, QuoteCollateral collateral, DateTimeOffset now)
    {
        QuoteVerificationResult result = _dcap.Verify(quote, collateral, now);
        Policy.EnsureSatisfied(result);
        return result;
    }

    /// <summary>
    /// Verifies a quote and evaluates the policy without throwing for policy violations, for a report that shows what the
    /// evidence holds next to what the policy asks. A failed DCAP check still throws: there is nothing to report on.
    /// </summary>
    /// <param name="quote">The parsed quote.</param>
    /// <param name="collateral">The collateral for the quote's platform.</param>
    /// <param name="now">The instant at which certificates, CRLs and collateral must be valid.</param>
    /// <returns>The verification result and every policy violation.</returns>
    /// <exception cref="AttestationException">A DCAP check failed.</exception>
    public AttestationVerdict Evaluate(Quote quote, QuoteCollateral collateral, DateTimeOffset now)
    {
        QuoteVerificationResult result = _dcap.Verify(quote, collateral, now);
        return new AttestationVerdict(result, Policy.Evaluate(result));
    }
}
