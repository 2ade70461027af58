using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Verification;

namespace BlindAI.Attestation.Tests.Policy;

/// <summary>
/// What no acceptance can override: a denied advisory (the deny list wins over every acceptance) and a Revoked TCB
/// (Intel revoked the platform's keys, so its quotes can be forged).
/// </summary>
public sealed class TcbAcceptanceLimitTests
{
    private static readonly Measurement SgxMrEnclave = Measurement.Parse(VerificationResults.SgxMrEnclave);

    /// <summary>sgx_quote's status and both of its advisories (INTEL-SA-00289, INTEL-SA-00615) accepted.</summary>
    private static AttestationPolicy SgxAccepted => AttestationPolicy.Strict
        .RequireMrEnclave(SgxMrEnclave)
        .AcceptTcbStatuses(TcbStatus.ConfigurationAndSWHardeningNeeded)
        .AcceptAdvisoryIds("INTEL-SA-00289", "INTEL-SA-00615");

    [Fact]
    public void A_denied_advisory_is_a_violation_even_when_it_is_accepted()
    {
        QuoteVerificationResult result = VerificationResults.Sgx();
        Assert.Empty(SgxAccepted.Evaluate(result));

        AttestationPolicy policy = SgxAccepted.DenyAdvisoryIds("intel-sa-00615");

        Assert.Equal(
            new PolicyViolation(PolicyViolationKind.AdvisoryIds, "not INTEL-SA-00615 (denied by the policy, whatever it accepts)", "INTEL-SA-00615"),
            Assert.Single(policy.Evaluate(result)));
        Assert.Equal(["intel-sa-00615"], policy.DeniedAdvisoryIds);
    }

    [Fact]
    public void Accepting_a_denied_advisory_afterwards_does_not_lift_the_denial()
    {
        AttestationPolicy policy = AttestationPolicy.Strict.RequireMrEnclave(SgxMrEnclave)
            .AcceptTcbStatuses(TcbStatus.ConfigurationAndSWHardeningNeeded)
            .DenyAdvisoryIds("INTEL-SA-00289")
            .AcceptAdvisoryIds("INTEL-SA-00289", "INTEL-SA-00615");

        Assert.Equal("INTEL-SA-00289", Assert.Single(policy.Evaluate(VerificationResults.Sgx())).Actual);
    }

    [Fact]
    public void A_denied_advisory_the_result_does_not_list_changes_nothing()
    {
        Assert.Empty(SgxAccepted.DenyAdvisoryIds("INTEL-SA-00334").Evaluate(VerificationResults.Sgx()));
        Assert.Empty(AttestationPolicy.Strict.DeniedAdvisoryIds);
    }

    [Fact]
    public void Deny_list_rejects_empty_advisory_ids()
    {
        Assert.Throws<ArgumentException>(() => AttestationPolicy.Strict.DenyAdvisoryIds(" "));
    }

    [Fact]
    public void Revoked_can_never_be_accepted()
    {
        var alone = Assert.Throws<ArgumentException>(() => AttestationPolicy.Strict.AcceptTcbStatuses(TcbStatus.Revoked));
        var amongOthers = Assert.Throws<ArgumentException>(() => AttestationPolicy.Strict.AcceptTcbStatuses(TcbStatus.OutOfDate, TcbStatus.Revoked));

        Assert.Equal("statuses", alone.ParamName);
        Assert.Contains("Revoked", amongOthers.Message, StringComparison.Ordinal);
        Assert.IsNotType<ArgumentOutOfRangeException>(alone);
    }

    [Fact]
    public void A_revoked_result_fails_the_most_accepting_policy()
    {
        TcbStatus[] everyOther = [.. Enum.GetValues<TcbStatus>().Where(s => s != TcbStatus.Revoked)];
        AttestationPolicy accepting = AttestationPolicy.Strict.AllowUnpinnedIdentity().AcceptTcbStatuses(everyOther);
        QuoteVerificationResult revoked = VerificationResults.Tdx() with { TcbStatus = TcbStatus.Revoked, QeTcbStatus = TcbStatus.Revoked };

        Assert.Equal(["qeTcbStatus", "tcbStatus"], accepting.Evaluate(revoked).Select(v => v.Field).Order(StringComparer.Ordinal));
    }
}
