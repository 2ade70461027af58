using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Tests.Quotes;
using BlindAI.Attestation.Verification;

namespace BlindAI.Attestation.Tests.Policy;

/// <summary>
/// Only an identity another enclave or TD cannot reproduce pins a policy: SGX MRENCLAVE, or MRSIGNER with ISVPRODID
/// (one signer signs many products); TDX MRTD (RTMRs are extended from an event log, which other firmware can replay).
/// </summary>
public sealed class IdentityPinningTests
{
    private static readonly Measurement SgxMrEnclave = Measurement.Parse(VerificationResults.SgxMrEnclave);
    private static readonly Measurement SgxMrSigner = Measurement.Parse(VerificationResults.SgxMrSigner);

    /// <summary>sgx_quote's TCB accepted, so that only identity rules remain.</summary>
    private static AttestationPolicy SgxTcbAccepted => AttestationPolicy.Strict
        .AcceptTcbStatuses(TcbStatus.ConfigurationAndSWHardeningNeeded)
        .AcceptAdvisoryIds("INTEL-SA-00289", "INTEL-SA-00615");

    [Fact]
    public void Rtmrs_alone_do_not_pin_a_td_but_mrtd_does()
    {
        QuoteVerificationResult result = VerificationResults.Tdx();
        TdReportBody td = result.Quote.TdReport!;
        AttestationPolicy rtmrsOnly = AttestationPolicy.Strict
            .RequireRtmr(0, td.Rtmr0).RequireRtmr(1, td.Rtmr1).RequireRtmr(2, td.Rtmr2).RequireRtmr(3, td.Rtmr3);

        Assert.False(rtmrsOnly.PinsIdentity);
        Assert.Equal(new PolicyViolation(PolicyViolationKind.Identity, "a pinned MRTD", "no TDX identity pinned by the policy"), Assert.Single(rtmrsOnly.Evaluate(result)));

        AttestationPolicy withMrTd = rtmrsOnly.RequireMrTd(td.MrTd);
        Assert.True(withMrTd.PinsIdentity);
        Assert.Empty(withMrTd.Evaluate(result));
    }

    [Fact]
    public void Td_configuration_and_owner_values_alone_do_not_pin_a_td()
    {
        QuoteVerificationResult result = VerificationResults.Tdx();
        TdReportBody td = result.Quote.TdReport!;
        AttestationPolicy policy = AttestationPolicy.Strict
            .RequireMrConfigId(td.MrConfigId).RequireMrOwner(td.MrOwner).RequireMrOwnerConfig(td.MrOwnerConfig)
            .RequireTdAttributes(MaskedValue.Exactly(td.TdAttributes)).RequireXfam(MaskedValue.Exactly(td.Xfam));

        Assert.False(policy.PinsIdentity);
        Assert.Equal("identity", Assert.Single(policy.Evaluate(result)).Field);
    }

    [Fact]
    public void Mrsigner_alone_does_not_pin_an_enclave_but_mrsigner_with_isvprodid_does()
    {
        QuoteVerificationResult result = VerificationResults.Sgx();
        AttestationPolicy signerOnly = SgxTcbAccepted.RequireMrSigner(SgxMrSigner).RequireMinimumIsvSvn(0);

        Assert.False(signerOnly.PinsIdentity);
        Assert.Equal(
            new PolicyViolation(PolicyViolationKind.Identity, "a pinned MRENCLAVE, or MRSIGNER with ISVPRODID", "no SGX identity pinned by the policy"),
            Assert.Single(signerOnly.Evaluate(result)));

        AttestationPolicy product = signerOnly.RequireIsvProdId(0);
        Assert.True(product.PinsIdentity);
        Assert.Empty(product.Evaluate(result));
    }

    [Fact]
    public void Isvprodid_alone_does_not_pin_an_enclave_and_mrenclave_alone_does()
    {
        QuoteVerificationResult result = VerificationResults.Sgx();
        AttestationPolicy productOnly = SgxTcbAccepted.RequireIsvProdId(0);

        Assert.False(productOnly.PinsIdentity);
        Assert.Equal("identity", Assert.Single(productOnly.Evaluate(result)).Field);

        AttestationPolicy enclave = SgxTcbAccepted.RequireMrEnclave(SgxMrEnclave);
        Assert.True(enclave.PinsIdentity);
        Assert.Empty(enclave.Evaluate(result));
    }

    [Fact]
    public void The_same_signer_with_another_product_id_is_refused_by_a_signer_and_product_pin()
    {
        // A second product of the same signer: only ISVPRODID tells them apart (offset 256 of the SGX report body).
        byte[] bytes = QuoteVectors.SgxV3;
        bytes[48 + 256] = 7;
        QuoteVerificationResult otherProduct = VerificationResults.Sgx(bytes);
        AttestationPolicy policy = SgxTcbAccepted.RequireMrSigner(SgxMrSigner).RequireIsvProdId(0);

        Assert.Equal(new PolicyViolation(PolicyViolationKind.IsvProdId, "0", "7"), Assert.Single(policy.Evaluate(otherProduct)));
    }

    [Fact]
    public void An_unpinned_policy_passes_only_with_the_named_relaxation()
    {
        AttestationPolicy relaxed = SgxTcbAccepted.RequireMrSigner(SgxMrSigner).AllowUnpinnedIdentity();

        Assert.False(relaxed.PinsIdentity);
        Assert.True(relaxed.UnpinnedIdentityAllowed);
        Assert.Empty(relaxed.Evaluate(VerificationResults.Sgx()));
        Assert.False(AttestationPolicy.Strict.PinsIdentity);
    }
}
