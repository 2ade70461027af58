using System.Security.Cryptography;
using System.Text;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Verification;
using BlindAI.Client;
using BlindAI.Enclave.Simulation;
using BlindAI.Security.Tests.Support;
using BlindAI.Testing;

namespace BlindAI.Security.Tests;

/// <summary>
/// Evidence that is genuine but must not be trusted: an identity another enclave or TD can reproduce, attributes no
/// production workload has, an advisory the client denied, a revoked TCB. Each is refused with a typed failure; the
/// attacks through the client are refused before the host received any model or data.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Category", "Security")]
public sealed class PolicyIdentityAttackTests(HostFixture fixture)
{
    private static readonly SimulatedTdIdentity GenuineTd = new();

    [Fact]
    public void Other_firmware_replaying_the_pinned_RTMRs_is_refused_because_RTMRs_alone_pin_nothing()
    {
        // The attacker's TD has other initial contents (MRTD) but replays the genuine event log, so its RTMRs are equal.
        using SimulatedTeePlatform platform = SimulatedTeePlatform.Create();
        var attackerTd = GenuineTd with { MrTd = SHA384.HashData("attacker firmware"u8) };
        QuoteVerificationResult attacker = VerifyTdx(platform, attackerTd);
        AttestationPolicy rtmrsOnly = AttestationPolicy.Strict;
        for (int i = 0; i < 4; i++)
        {
            rtmrsOnly = rtmrsOnly.RequireRtmr(i, Measurement.FromBytes(GenuineTd.Rtmrs[i].Span));
        }

        Assert.False(rtmrsOnly.PinsIdentity);
        var refused = Assert.Throws<AttestationException>(() => rtmrsOnly.EnsureSatisfied(attacker));
        Assert.Equal(AttestationFailureReason.PolicyViolation, refused.Reason);
        Assert.Equal(VerificationStep.Policy, refused.Step);
        Assert.Equal(new PolicyViolation(PolicyViolationKind.Identity, "a pinned MRTD", "no TDX identity pinned by the policy"), Assert.Single(refused.Violations));

        // Pinning MRTD as well tells the firmware apart.
        AttestationPolicy pinned = rtmrsOnly.RequireMrTd(Measurement.FromBytes(GenuineTd.MrTd.Span));
        PolicyViolation mrTd = Assert.Single(pinned.Evaluate(attacker));
        Assert.Equal(("mrTd", Convert.ToHexStringLower(attackerTd.MrTd.Span)), (mrTd.Field, mrTd.Actual));
    }

    [Fact]
    public void Another_product_of_the_pinned_signer_is_refused_because_MRSIGNER_alone_pins_nothing()
    {
        // The same signer's key signs another product: other MRENCLAVE, other ISVPRODID, same MRSIGNER.
        using SimulatedTeePlatform platform = SimulatedTeePlatform.Create();
        var genuine = new SimulatedSgxEnclave();
        var otherProduct = genuine with { MrEnclave = SHA256.HashData("another product"u8), IsvProdId = 7 };
        QuoteVerificationResult attacker = VerifySgx(platform, otherProduct);
        AttestationPolicy signerOnly = AttestationPolicy.Strict.RequireMrSigner(Measurement.FromBytes(genuine.MrSigner.Span));

        Assert.False(signerOnly.PinsIdentity);
        var refused = Assert.Throws<AttestationException>(() => signerOnly.EnsureSatisfied(attacker));
        Assert.Equal(AttestationFailureReason.PolicyViolation, refused.Reason);
        Assert.Equal("identity", Assert.Single(refused.Violations).Field);

        AttestationPolicy product = signerOnly.RequireIsvProdId(genuine.IsvProdId);
        Assert.True(product.PinsIdentity);
        Assert.Equal(new PolicyViolation(PolicyViolationKind.IsvProdId, "0", "7"), Assert.Single(product.Evaluate(attacker)));
    }

    [Fact]
    public async Task An_enclave_holding_the_provisioning_key_is_refused_before_any_data()
    {
        // MRENCLAVE as pinned, but PROVISIONKEY set: an enclave that can derive the platform's provisioning key.
        var provisioning = new SimulatedPlatformOptions { Enclave = new SimulatedSgxEnclave { AttributeFlags = 0x5 | 0x10 } };
        await using SimulatedHost host = await SimulatedHost.StartAsync(provisioning);

        AttestationException error = await Attack.AssertRefusedAsync(host, host.ClientOptions(), AttestationFailureReason.PolicyViolation, VerificationStep.Policy);

        PolicyViolation violation = Assert.Single(error.Violations);
        Assert.Equal(("attributes.provisionKey", "0x15"), (violation.Field, violation.Actual));
    }

    [Fact]
    public async Task A_trust_domain_with_SEPT_VE_enabled_is_refused_before_any_data()
    {
        // MRTD as pinned, but SEPT_VE_DISABLE clear: the host can inject #VE on pending private pages.
        var septVe = new SimulatedPlatformOptions { QuoteFormat = SimulatedQuoteFormat.TdxV4, TrustDomain = GenuineTd with { TdAttributes = 0 } };
        await using SimulatedHost host = await SimulatedHost.StartAsync(septVe);

        AttestationException error = await Attack.AssertRefusedAsync(host, TdxOptions(host), AttestationFailureReason.PolicyViolation, VerificationStep.Policy);

        PolicyViolation violation = Assert.Single(error.Violations);
        Assert.Equal(("tdAttributes.septVeDisable", "0x0"), (violation.Field, violation.Actual));
    }

    [Fact]
    public async Task A_trust_domain_bound_to_a_service_TD_is_refused_before_any_data()
    {
        // TD report 1.5 with a non-zero MRSERVICETD: a service TD (for example a migration TD) can act on this TD.
        var serviceTd = new SimulatedPlatformOptions
        {
            QuoteFormat = SimulatedQuoteFormat.TdxV5TdReport15,
            TrustDomain = GenuineTd with { MrServiceTd = SHA384.HashData("migration TD"u8) },
        };
        await using SimulatedHost host = await SimulatedHost.StartAsync(serviceTd);

        AttestationException error = await Attack.AssertRefusedAsync(host, TdxOptions(host), AttestationFailureReason.PolicyViolation, VerificationStep.Policy);

        PolicyViolation violation = Assert.Single(error.Violations);
        Assert.Equal(("mrServiceTd", Convert.ToHexStringLower(SHA384.HashData("migration TD"u8))), (violation.Field, violation.Actual));
    }

    [Fact]
    public async Task A_denied_advisory_is_refused_before_any_data_even_when_its_status_and_advisory_are_accepted()
    {
        SimulatedHost host = fixture.Host;
        BlindAIClientOptions options = host.ClientOptions();
        // The client's collateral source says: SWHardeningNeeded because of INTEL-SA-00615.
        options.CollateralProvider = Attack.Provider(() => Attack.Resolved(host, new SimulatedCollateralOptions
        {
            PlatformTcbStatus = TcbStatus.SWHardeningNeeded,
            PlatformAdvisoryIds = ["INTEL-SA-00615"],
        }));
        AttestationPolicy accepting = options.Policy.AcceptTcbStatuses(TcbStatus.SWHardeningNeeded).AcceptAdvisoryIds("INTEL-SA-00615");

        // Control: with both accepted, the same evidence connects.
        options.Policy = accepting;
        await using (await BlindAIClient.ConnectAsync(options))
        {
        }

        // "Accept SWHardeningNeeded, but never INTEL-SA-00615."
        options.Policy = accepting.DenyAdvisoryIds("INTEL-SA-00615");
        host.Requests.Clear();
        AttestationException error = await Attack.AssertRefusedAsync(host, options, AttestationFailureReason.PolicyViolation, VerificationStep.Policy);

        PolicyViolation violation = Assert.Single(error.Violations);
        Assert.Equal(("advisoryIds", "INTEL-SA-00615"), (violation.Field, violation.Actual));
        Assert.Contains("denied", violation.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_platform_cannot_be_accepted_by_any_policy()
    {
        // No API, JSON file or combination of acceptances lets a client trust a revoked TCB.
        Assert.Throws<ArgumentException>(() => AttestationPolicy.Strict.AcceptTcbStatuses(TcbStatus.Revoked));
        var json = Assert.Throws<AttestationFormatException>(() => AttestationPolicy.FromJson("""{ "acceptedTcbStatuses": ["SWHardeningNeeded", "Revoked"] }"""));
        Assert.Equal(AttestationFormatErrorReason.InvalidField, json.Reason);

        SimulatedHost host = fixture.Host;
        host.Requests.Clear();
        BlindAIClientOptions options = host.ClientOptions();
        options.Policy = options.Policy.AcceptTcbStatuses(Enum.GetValues<TcbStatus>().Where(s => s != TcbStatus.Revoked));
        options.CollateralProvider = Attack.Provider(() => Attack.Resolved(host, new SimulatedCollateralOptions { PlatformTcbStatus = TcbStatus.Revoked }));

        AttestationException error = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync(options));

        Assert.True(error.Reason is AttestationFailureReason.TcbRevoked or AttestationFailureReason.PolicyViolation, error.Message);
        Assert.Contains("Revoked", error.Message, StringComparison.Ordinal);
        Attack.AssertNothingReached(host);
    }

    /// <summary>The host's options pinning the genuine MRTD; the client's own source supplies TDX collateral (the simulated host serves SGX collateral).</summary>
    private static BlindAIClientOptions TdxOptions(SimulatedHost host)
    {
        BlindAIClientOptions options = host.ClientOptions();
        options.Policy = AttestationPolicy.Strict.RequireMrTd(Measurement.FromBytes(GenuineTd.MrTd.Span));
        options.CollateralProvider = Attack.Provider(() => Attack.Resolved(host, new SimulatedCollateralOptions { Tdx = true }));
        return options;
    }

    private static QuoteVerificationResult VerifyTdx(SimulatedTeePlatform platform, SimulatedTdIdentity td) =>
        Verify(platform, new SimulatedQuoteOptions { Format = SimulatedQuoteFormat.TdxV4, TrustDomain = td }, tdx: true);

    private static QuoteVerificationResult VerifySgx(SimulatedTeePlatform platform, SimulatedSgxEnclave enclave) =>
        Verify(platform, new SimulatedQuoteOptions { Format = SimulatedQuoteFormat.SgxV3, Enclave = enclave }, tdx: false);

    /// <summary>Genuine evidence of the simulated platform, verified against its own root (its "Intel").</summary>
    private static QuoteVerificationResult Verify(SimulatedTeePlatform platform, SimulatedQuoteOptions quote, bool tdx)
    {
        QuoteCollateral collateral = DcapQvlCollateralJson.Parse(Encoding.UTF8.GetBytes(platform.CreateCollateral(new SimulatedCollateralOptions { Tdx = tdx }).ToDcapQvlJson()));
        var verifier = new DcapQuoteVerifier(new DcapQuoteVerifierOptions { TrustAnchor = TrustAnchor.InsecureNonIntelRoot(platform.RootCertificate) });
        return verifier.Verify(Quote.Parse(platform.CreateQuote(new byte[64], quote)), collateral);
    }
}
