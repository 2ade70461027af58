namespace BlindAI.Attestation.Verification;

/// <summary>What <see cref="AttestationVerifier.Evaluate"/> found: DCAP verified the quote, and the policy holds or not.</summary>
/// <param name="Result">The DCAP verification result (TCB status, advisories, identity, collateral expiry).</param>
/// <param name="Violations">Every way the result breaks the policy; empty when it holds.</param>
public sealed record AttestationVerdict(QuoteVerificationResult Result, IReadOnlyList<PolicyViolation> Violations)
{
    /// <summary>Whether the policy holds (no violation).</summary>
    public bool IsSatisfied => Violations.Count == 0;
}
