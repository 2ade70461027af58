using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Tests.Collateral;
using BlindAI.Attestation.Tests.Policy;
using BlindAI.Attestation.Tests.Quotes;
using BlindAI.Attestation.Verification;

namespace BlindAI.Attestation.Tests.Verification;

/// <summary>
/// The public verifier owns the collateral grace period: the policy's grace reaches the DCAP checks (expired collateral it
/// accepts gets to the policy), nothing more is relaxed, and the real vectors keep their outcomes through it.
/// </summary>
public sealed class AttestationVerifierTests
{
    // The Phala SGX vector (ConfigurationAndSWHardeningNeeded, two advisories): a policy that accepts exactly that platform.
    private static readonly AttestationPolicy SgxPlatform = AttestationPolicy.Strict
        .RequireMrEnclave(Measurement.Parse(VerificationResults.SgxMrEnclave))
        .AcceptTcbStatuses(TcbStatus.UpToDate, TcbStatus.ConfigurationAndSWHardeningNeeded)
        .AcceptAdvisoryIds("INTEL-SA-00289", "INTEL-SA-00615");

    // Its collateral's earliest nextUpdate is one second after CollateralVectors.SgxNow.
    private static readonly DateTimeOffset OneHourLate = CollateralVectors.SgxNow.AddSeconds(1).AddHours(1);

    [Fact]
    public void The_real_sgx_vector_verifies_with_the_policy_that_accepts_its_platform()
    {
        QuoteVerificationResult result = new AttestationVerifier(SgxPlatform).Verify(Quote.Parse(QuoteVectors.SgxV3), CollateralVectors.SgxBundle(), CollateralVectors.SgxNow);

        Assert.Equal(TcbStatus.ConfigurationAndSWHardeningNeeded, result.TcbStatus);
        Assert.Equal(CollateralVectors.SgxNow, result.VerifiedAt);
    }

    [Fact]
    public void Without_a_grace_period_expired_collateral_fails_in_dcap_before_the_policy()
    {
        var error = Assert.Throws<AttestationException>(() =>
            new AttestationVerifier(SgxPlatform).Verify(Quote.Parse(QuoteVectors.SgxV3), CollateralVectors.SgxBundle(), OneHourLate));

        Assert.Equal(AttestationFailureReason.Expired, error.Reason);
        Assert.NotEqual(VerificationStep.Policy, error.Step);
    }

    [Fact]
    public void The_policys_grace_period_reaches_the_dcap_checks()
    {
        var verifier = new AttestationVerifier(SgxPlatform.AllowCollateralGracePeriod(TimeSpan.FromHours(2)));

        QuoteVerificationResult result = verifier.Verify(Quote.Parse(QuoteVectors.SgxV3), CollateralVectors.SgxBundle(), OneHourLate);

        Assert.Equal(OneHourLate, result.VerifiedAt);
        Assert.True(result.CollateralExpiresAt < OneHourLate);
    }

    [Fact]
    public void A_grace_period_shorter_than_the_lateness_still_fails_with_expired()
    {
        var verifier = new AttestationVerifier(SgxPlatform.AllowCollateralGracePeriod(TimeSpan.FromMinutes(30)));

        var error = Assert.Throws<AttestationException>(() => verifier.Verify(Quote.Parse(QuoteVectors.SgxV3), CollateralVectors.SgxBundle(), OneHourLate));

        Assert.Equal(AttestationFailureReason.Expired, error.Reason);
    }

    [Fact]
    public void Policy_violations_throw_from_verify_and_are_reported_by_evaluate()
    {
        // The strict policy accepts neither the TCB status nor the advisories of the vector, and pins nothing.
        var verifier = new AttestationVerifier(AttestationPolicy.Strict);
        Quote quote = Quote.Parse(QuoteVectors.SgxV3);

        var error = Assert.Throws<AttestationException>(() => verifier.Verify(quote, CollateralVectors.SgxBundle(), CollateralVectors.SgxNow));
        AttestationVerdict verdict = verifier.Evaluate(quote, CollateralVectors.SgxBundle(), CollateralVectors.SgxNow);

        Assert.Equal(AttestationFailureReason.PolicyViolation, error.Reason);
        Assert.Equal(VerificationStep.Policy, error.Step);
        Assert.False(verdict.IsSatisfied);
        Assert.Equal(error.Violations, verdict.Violations);
        Assert.Contains(verdict.Violations, v => v.Kind == PolicyViolationKind.TcbStatus && v.Actual == "ConfigurationAndSWHardeningNeeded");
        Assert.Contains(verdict.Violations, v => v.Kind == PolicyViolationKind.Identity);
        Assert.Equal(TcbStatus.ConfigurationAndSWHardeningNeeded, verdict.Result.TcbStatus);
    }

    [Fact]
    public void Evaluate_still_throws_when_dcap_fails()
    {
        var verifier = new AttestationVerifier(SgxPlatform);

        var error = Assert.Throws<AttestationException>(() => verifier.Evaluate(Quote.Parse(QuoteVectors.SgxV3), CollateralVectors.SgxBundle(), OneHourLate));

        Assert.Equal(AttestationFailureReason.Expired, error.Reason);
    }

    [Fact]
    public void The_default_trust_anchor_is_intels_and_a_non_intel_root_refuses_intel_quotes()
    {
        Assert.Same(TrustAnchor.IntelSgxRootCa, new AttestationVerifier(SgxPlatform).TrustAnchor);

        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=Not Intel", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        using var root = request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));
        var verifier = new AttestationVerifier(SgxPlatform, TrustAnchor.InsecureNonIntelRoot(root));

        var error = Assert.Throws<AttestationException>(() => verifier.Verify(Quote.Parse(QuoteVectors.SgxV3), CollateralVectors.SgxBundle(), CollateralVectors.SgxNow));

        Assert.Equal(AttestationFailureReason.UntrustedRoot, error.Reason);
    }
}
