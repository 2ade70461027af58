using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Tests.Quotes;
using BlindAI.Attestation.Verification;

namespace BlindAI.Attestation.Tests.Policy;

public sealed class AttestationPolicyTests
{
    private static readonly Measurement SgxMrEnclave = Measurement.Parse(VerificationResults.SgxMrEnclave);
    private static readonly Measurement SgxMrSigner = Measurement.Parse(VerificationResults.SgxMrSigner);

    /// <summary>The sgx_quote's TCB (ConfigurationAndSWHardeningNeeded, two advisories) accepted explicitly.</summary>
    private static AttestationPolicy SgxTcbAccepted => AttestationPolicy.Strict
        .AcceptTcbStatuses(TcbStatus.ConfigurationAndSWHardeningNeeded)
        .AcceptAdvisoryIds("INTEL-SA-00289", "INTEL-SA-00615");

    [Fact]
    public void Strict_policy_reports_the_sgx_quotes_tcb_status_and_each_advisory_at_once()
    {
        IReadOnlyList<PolicyViolation> violations = AttestationPolicy.Strict.RequireMrEnclave(SgxMrEnclave).Evaluate(VerificationResults.Sgx());

        Assert.Equal(3, violations.Count);
        Assert.Contains(new PolicyViolation(PolicyViolationKind.TcbStatus, "UpToDate", "ConfigurationAndSWHardeningNeeded"), violations);
        Assert.Contains(new PolicyViolation(PolicyViolationKind.AdvisoryIds, "none", "INTEL-SA-00289"), violations);
        Assert.Contains(new PolicyViolation(PolicyViolationKind.AdvisoryIds, "none", "INTEL-SA-00615"), violations);
    }

    [Fact]
    public void Explicitly_accepted_status_and_advisories_with_the_right_identity_pass()
    {
        AttestationPolicy policy = SgxTcbAccepted
            .RequireMrEnclave(SgxMrEnclave)
            .RequireMrSigner(SgxMrSigner)
            .RequireIsvProdId(0)
            .RequireMinimumIsvSvn(0)
            .RequireSgxAttributeFlags(new MaskedValue(0x5, ~SgxReportBody.DebugFlag))
            .RequireSgxXfrm(MaskedValue.Exactly(0xe7))
            .RequireMiscSelect(MaskedValue.Exactly(0))
            .RequireMinimumTcbEvaluationDataNumber(17);

        Assert.Empty(policy.Evaluate(VerificationResults.Sgx()));
        policy.EnsureSatisfied(VerificationResults.Sgx());
    }

    [Fact]
    public void Accepting_only_one_advisory_still_reports_the_other()
    {
        AttestationPolicy policy = AttestationPolicy.Strict.RequireMrEnclave(SgxMrEnclave)
            .AcceptTcbStatuses(TcbStatus.ConfigurationAndSWHardeningNeeded)
            .AcceptAdvisoryIds("intel-sa-00289");

        PolicyViolation violation = Assert.Single(policy.Evaluate(VerificationResults.Sgx()));

        Assert.Equal(new PolicyViolation(PolicyViolationKind.AdvisoryIds, "intel-sa-00289", "INTEL-SA-00615"), violation);
    }

    [Fact]
    public void Every_broken_sgx_identity_rule_is_reported_with_expected_and_actual_values()
    {
        Measurement otherEnclave = Measurement.FromBytes(new byte[32]);
        AttestationPolicy policy = SgxTcbAccepted
            .RequireMrEnclave(otherEnclave)
            .RequireMrSigner(Measurement.FromBytes(Enumerable.Repeat((byte)0xaa, 32).ToArray()))
            .RequireIsvProdId(7)
            .RequireMinimumIsvSvn(2)
            .RequireSgxAttributeFlags(new MaskedValue(0x7, ulong.MaxValue))
            .RequireSgxXfrm(new MaskedValue(0x3, 0x3))
            .RequireMiscSelect(new MaskedValue(0x1, 0x1))
            .RequireMinimumTcbEvaluationDataNumber(18);

        var violations = policy.Evaluate(VerificationResults.Sgx()).ToDictionary(v => v.Field);

        Assert.Equal(
            ["attributes.flags", "isvProdId", "isvSvn", "miscSelect", "mrEnclave", "mrSigner", "tcbEvaluationDataNumber"],
            violations.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new string('0', 64), violations["mrEnclave"].Expected);
        Assert.Equal(VerificationResults.SgxMrEnclave, violations["mrEnclave"].Actual);
        Assert.Equal(VerificationResults.SgxMrSigner, violations["mrSigner"].Actual);
        Assert.Equal(("7", "0"), (violations["isvProdId"].Expected, violations["isvProdId"].Actual));
        Assert.Equal((">= 2", "0"), (violations["isvSvn"].Expected, violations["isvSvn"].Actual));
        Assert.Equal(("0x7 under mask 0xffffffffffffffff", "0x5"), (violations["attributes.flags"].Expected, violations["attributes.flags"].Actual));
        Assert.Equal((">= 18", "17"), (violations["tcbEvaluationDataNumber"].Expected, violations["tcbEvaluationDataNumber"].Actual));
    }

    [Fact]
    public void Any_one_of_several_accepted_mrenclaves_matches()
    {
        AttestationPolicy policy = SgxTcbAccepted.RequireMrEnclave(Measurement.FromBytes(new byte[32]), SgxMrEnclave);

        Assert.Empty(policy.Evaluate(VerificationResults.Sgx()));
        Assert.Equal(2, policy.MrEnclaves.Length);
    }

    [Fact]
    public void A_debug_enclave_is_rejected_unless_debug_is_explicitly_allowed()
    {
        byte[] bytes = QuoteVectors.SgxV3;
        bytes[48 + 48] |= (byte)SgxReportBody.DebugFlag; // attribute flags of the report body
        QuoteVerificationResult debugResult = VerificationResults.Sgx(bytes);
        AttestationPolicy policy = SgxTcbAccepted.RequireMrEnclave(SgxMrEnclave);

        Assert.Equal(new PolicyViolation(PolicyViolationKind.Debug, "false (a production enclave or TD)", "true"), Assert.Single(policy.Evaluate(debugResult)));
        Assert.Empty(policy.AllowDebug().Evaluate(debugResult));
    }

    [Fact]
    public void A_debug_td_is_rejected_unless_debug_is_explicitly_allowed()
    {
        byte[] bytes = QuoteVectors.TdxV4;
        bytes[48 + 120] |= 0x1; // TDATTRIBUTES.DEBUG
        QuoteVerificationResult debugResult = VerificationResults.Tdx(bytes);
        AttestationPolicy policy = AttestationPolicy.Strict.RequireMrTd(debugResult.Quote.TdReport!.MrTd);

        Assert.Equal("debug", Assert.Single(policy.Evaluate(debugResult)).Field);
        Assert.Empty(policy.AllowDebug().Evaluate(debugResult));
    }

    [Fact]
    public void Tdx_quote_passes_a_strict_policy_pinning_all_its_measurements()
    {
        QuoteVerificationResult result = VerificationResults.Tdx();
        TdReportBody td = result.Quote.TdReport!;
        AttestationPolicy policy = AttestationPolicy.Strict
            .RequireMrTd(td.MrTd)
            .RequireRtmr(0, td.Rtmr0).RequireRtmr(1, td.Rtmr1).RequireRtmr(2, td.Rtmr2).RequireRtmr(3, td.Rtmr3)
            .RequireMrConfigId(td.MrConfigId)
            .RequireMrOwner(td.MrOwner)
            .RequireMrOwnerConfig(td.MrOwnerConfig)
            .RequireTdAttributes(MaskedValue.Exactly(td.TdAttributes))
            .RequireXfam(MaskedValue.Exactly(td.Xfam));

        Assert.Empty(policy.Evaluate(result));
    }

    [Fact]
    public void Every_broken_tdx_rule_is_reported_at_once()
    {
        QuoteVerificationResult result = VerificationResults.Tdx();
        TdReportBody td = result.Quote.TdReport!;
        Measurement other = Measurement.FromBytes(Enumerable.Repeat((byte)0x11, 48).ToArray());
        AttestationPolicy policy = AttestationPolicy.Strict
            .RequireMrTd(other)
            .RequireRtmr(0, td.Rtmr0).RequireRtmr(2, other)
            .RequireMrConfigId(other).RequireMrOwner(other).RequireMrOwnerConfig(other)
            .RequireTdAttributes(MaskedValue.Exactly(td.TdAttributes ^ 0x10000000))
            .RequireXfam(MaskedValue.Exactly(td.Xfam ^ 0x1));

        var violations = policy.Evaluate(result);

        Assert.Equal(
            ["mrConfigId", "mrOwner", "mrOwnerConfig", "mrTd", "rtmr2", "tdAttributes", "xfam"],
            violations.Select(v => v.Field).Order(StringComparer.Ordinal));
        PolicyViolation mrTd = violations.Single(v => v.Field == "mrTd");
        Assert.Equal((other.ToString(), td.MrTd.ToString()), (mrTd.Expected, mrTd.Actual));
    }

    [Fact]
    public void Automata_tdx_quote_is_out_of_date_with_three_advisories()
    {
        QuoteVerificationResult result = VerificationResults.AutomataTdx();
        AttestationPolicy pinned = AttestationPolicy.Strict.RequireMrTd(result.Quote.TdReport!.MrTd);

        Assert.Equal(["advisoryIds", "advisoryIds", "advisoryIds", "tcbStatus"], pinned.Evaluate(result).Select(v => v.Field).Order(StringComparer.Ordinal));
        Assert.Empty(pinned.AcceptTcbStatuses(TcbStatus.OutOfDate).AcceptAdvisoryIds("INTEL-SA-00960", "INTEL-SA-00982", "INTEL-SA-00986").Evaluate(result));
    }

    [Fact]
    public void Sgx_measurements_against_a_tdx_quote_are_a_tee_type_violation()
    {
        var violations = AttestationPolicy.Strict.RequireMrEnclave(SgxMrEnclave).Evaluate(VerificationResults.Tdx());

        Assert.Equal(["identity", "teeType"], violations.Select(v => v.Field).Order(StringComparer.Ordinal));
        Assert.Equal("TDX", violations.Single(v => v.Field == "teeType").Actual);
    }

    [Fact]
    public void A_policy_that_pins_no_identity_fails_closed_unless_explicitly_allowed()
    {
        QuoteVerificationResult result = VerificationResults.Tdx();

        PolicyViolation violation = Assert.Single(AttestationPolicy.Strict.Evaluate(result));
        Assert.Equal("identity", violation.Field);
        Assert.Empty(AttestationPolicy.Strict.AllowUnpinnedIdentity().Evaluate(result));
    }

    [Fact]
    public void Expired_collateral_is_a_violation_unless_within_the_grace_period()
    {
        QuoteVerificationResult late = VerificationResults.Tdx() with { VerifiedAt = VerificationResults.Tdx().CollateralExpiresAt.AddHours(1) };
        AttestationPolicy policy = AttestationPolicy.Strict.RequireMrTd(late.Quote.TdReport!.MrTd);

        PolicyViolation violation = Assert.Single(policy.Evaluate(late));
        Assert.Equal("collateralExpiresAt", violation.Field);
        Assert.Equal("2025-07-19T10:00:35.0000000Z", violation.Actual);
        Assert.Empty(policy.AllowCollateralGracePeriod(TimeSpan.FromHours(1)).Evaluate(late));
        Assert.Single(policy.AllowCollateralGracePeriod(TimeSpan.FromMinutes(59)).Evaluate(late));
    }

    [Fact]
    public void An_out_of_date_quoting_enclave_is_reported_separately()
    {
        QuoteVerificationResult result = VerificationResults.Tdx() with { QeTcbStatus = TcbStatus.OutOfDate };
        AttestationPolicy policy = AttestationPolicy.Strict.RequireMrTd(result.Quote.TdReport!.MrTd);

        Assert.Equal(new PolicyViolation(PolicyViolationKind.QeTcbStatus, "UpToDate", "OutOfDate"), Assert.Single(policy.Evaluate(result)));
    }

    [Fact]
    public void A_revoked_platform_is_rejected_by_the_strict_policy()
    {
        QuoteVerificationResult result = VerificationResults.Tdx() with { TcbStatus = TcbStatus.Revoked };

        Assert.Contains(new PolicyViolation(PolicyViolationKind.TcbStatus, "UpToDate", "Revoked"), AttestationPolicy.Strict.AllowUnpinnedIdentity().Evaluate(result));
    }

    [Fact]
    public void EnsureSatisfied_throws_one_policy_exception_carrying_every_violation()
    {
        AttestationPolicy policy = AttestationPolicy.Strict.RequireMrEnclave(Measurement.FromBytes(new byte[32]));

        var ex = Assert.Throws<AttestationException>(() => policy.EnsureSatisfied(VerificationResults.Sgx()));

        Assert.Equal(AttestationFailureReason.PolicyViolation, ex.Reason);
        Assert.Equal(VerificationStep.Policy, ex.Step);
        Assert.Equal(4, ex.Violations.Count);
        Assert.Equal(["advisoryIds", "advisoryIds", "mrEnclave", "tcbStatus"], ex.Violations.Select(v => v.Field).Order(StringComparer.Ordinal));
        Assert.Contains("mrEnclave", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Relaxations_return_new_policies_and_leave_strict_unchanged()
    {
        AttestationPolicy relaxed = AttestationPolicy.Strict.AllowDebug().AcceptTcbStatuses(TcbStatus.OutOfDate);

        Assert.True(relaxed.DebugAllowed);
        Assert.False(AttestationPolicy.Strict.DebugAllowed);
        Assert.Equal([TcbStatus.UpToDate], AttestationPolicy.Strict.AcceptedTcbStatuses);
        Assert.Equal([TcbStatus.UpToDate, TcbStatus.OutOfDate], relaxed.AcceptedTcbStatuses.Order());
        Assert.Empty(AttestationPolicy.Strict.AcceptedAdvisoryIds);
        Assert.Equal(TimeSpan.Zero, AttestationPolicy.Strict.CollateralGracePeriod);
    }

    [Fact]
    public void Builder_rejects_measurements_of_the_wrong_size_and_masks_that_can_never_match()
    {
        Assert.Throws<ArgumentException>(() => AttestationPolicy.Strict.RequireMrEnclave(Measurement.FromBytes(new byte[48])));
        Assert.Throws<ArgumentException>(() => AttestationPolicy.Strict.RequireMrTd(Measurement.FromBytes(new byte[32])));
        Assert.Throws<ArgumentOutOfRangeException>(() => AttestationPolicy.Strict.RequireRtmr(4, Measurement.FromBytes(new byte[48])));
        Assert.Throws<ArgumentException>(() => new MaskedValue(0x2, 0x1));
        Assert.Throws<ArgumentOutOfRangeException>(() => AttestationPolicy.Strict.AllowCollateralGracePeriod(TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => AttestationPolicy.Strict.AcceptTcbStatuses((TcbStatus)99));
    }
}
