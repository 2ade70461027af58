using System.Text;
using System.Text.Json.Nodes;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Verification;
using BlindAI.Client;
using BlindAI.Enclave.Simulation;
using BlindAI.Protocol;
using BlindAI.Protocol.Messages;
using BlindAI.Security.Tests.Support;
using BlindAI.Testing;

namespace BlindAI.Security.Tests;

/// <summary>
/// Attacks on the collateral (TCB Info, QE Identity, CRLs and their chains), which reaches the client through untrusted
/// hands: the host, the network, a collateral cache. Each attack runs end to end (a man in the middle rewrites the
/// host's <c>GET /collateral</c> reply, or the client's own collateral source lies) and, where Intel's real collateral
/// allows it, on the real Intel vectors of tests/TestData/dcap at the instants their sources state.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Category", "Security")]
public sealed class CollateralAttackTests(HostFixture fixture)
{
    /// <summary>phala-dcap-qvl sgx_quote: min(nextUpdate) − 1 s, as its source's tests use.</summary>
    private static readonly DateTimeOffset PhalaSgxNow = DateTimeOffset.FromUnixTimeSeconds(1752919277);

    /// <summary>phala-dcap-qvl tdx_quote: the instant at which its collateral is valid.</summary>
    private static readonly DateTimeOffset PhalaTdxNow = DateTimeOffset.FromUnixTimeSeconds(1752919234);

    private static readonly DateTimeOffset PhalaTdxOutdatedNow = DateTimeOffset.FromUnixTimeSeconds(1774003274);

    private static readonly DcapQuoteVerifier IntelVerifier = new();

    [Fact]
    public Task Tampered_TCB_Info_with_one_byte_changed_is_rejected_before_any_data() =>
        // The attacker raises the TCB evaluation number by one (17 → 18): one byte of the signed JSON.
        AssertOneChangedByteIsRejectedAsync(
            served: c => c with { TcbInfo = ChangeOneByte(c.TcbInfo, "\"tcbEvaluationDataNumber\":17", "\"tcbEvaluationDataNumber\":18") },
            bundleMember: "tcb_info",
            intelFrom: "\"tcbEvaluationDataNumber\":17",
            intelTo: "\"tcbEvaluationDataNumber\":18",
            VerificationStep.TcbInfoSignature);

    [Fact]
    public Task Tampered_QE_Identity_with_one_byte_changed_is_rejected_before_any_data() =>
        AssertOneChangedByteIsRejectedAsync(
            served: c => c with { QeIdentity = ChangeOneByte(c.QeIdentity, "\"tcbEvaluationDataNumber\":17", "\"tcbEvaluationDataNumber\":18") },
            bundleMember: "qe_identity",
            intelFrom: "\"isvprodid\":1",
            intelTo: "\"isvprodid\":2",
            VerificationStep.QeIdentitySignature);

    /// <summary>
    /// One changed byte of a signed collateral document: first served by a man in the middle to the real client (which
    /// must refuse before any data), then in Intel's real bundle given to the verifier.
    /// </summary>
    private async Task AssertOneChangedByteIsRejectedAsync(Func<SgxCollateral, SgxCollateral> served, string bundleMember, string intelFrom, string intelTo, VerificationStep step)
    {
        SimulatedHost host = fixture.Host;
        await using UntrustedInterceptor attacker = await UntrustedInterceptor.StartAsync(host.UntrustedPort);
        attacker.Rewrite = (path, _, body) => path == ProtocolRoutes.Collateral ? Attack.RewriteCollateral(body, served) : body;
        host.Requests.Clear();

        AttestationException error = await ConnectThroughAsync(host, attacker);

        Assert.Equal(AttestationFailureReason.InvalidCollateralSignature, error.Reason);
        Assert.Equal(step, error.Step);
        Attack.AssertNothingReached(host);

        byte[] bundle = PhalaBytes("sgx_quote_collateral.json");
        string document = BundleMember(bundle, bundleMember);
        QuoteCollateral tampered = DcapQvlCollateralJson.Parse(WithMember(bundle, bundleMember, ChangeOneByte(document, intelFrom, intelTo)));
        var intel = Assert.Throws<AttestationException>(() => IntelVerifier.Verify(Quote.Parse(PhalaBytes("sgx_quote")), tampered, PhalaSgxNow));
        Assert.Equal(AttestationFailureReason.InvalidCollateralSignature, intel.Reason);
        Assert.Equal(step, intel.Step);
    }

    [Fact]
    public async Task Mixed_collateral_from_another_issuer_is_rejected_before_any_data()
    {
        // The TCB Info of another simulated "Intel" (the other host's platform, with its own signing key), served with
        // the genuine issuer chain: the signature does not verify under the genuine TCB signing certificate.
        SimulatedHost host = fixture.Host;
        SimulatedCollateral foreign = Attack.Forge(fixture.Other, new SimulatedCollateralOptions());
        await using UntrustedInterceptor attacker = await UntrustedInterceptor.StartAsync(host.UntrustedPort);
        attacker.Rewrite = (path, _, body) => path == ProtocolRoutes.Collateral
            ? Attack.RewriteCollateral(body, c => c with { TcbInfo = foreign.ToPcsTcbInfoResponse() })
            : body;
        host.Requests.Clear();

        AttestationException mixed = await ConnectThroughAsync(host, attacker);

        // With the foreign issuer chain too, the chain ends at a root the client does not trust.
        attacker.Rewrite = (path, _, body) => path == ProtocolRoutes.Collateral
            ? Attack.RewriteCollateral(body, c => c with { TcbInfo = foreign.ToPcsTcbInfoResponse(), TcbInfoIssuerChain = foreign.TcbInfoIssuerChain })
            : body;
        AttestationException rooted = await ConnectThroughAsync(host, attacker);

        Assert.Equal(AttestationFailureReason.InvalidCollateralSignature, mixed.Reason);
        Assert.Equal(VerificationStep.TcbInfoSignature, mixed.Step);
        Assert.Equal(AttestationFailureReason.UntrustedRoot, rooted.Reason);
        Assert.Equal(VerificationStep.TcbInfoSignature, rooted.Step);
        Attack.AssertNothingReached(host);

        // Real Intel collateral: the SGX quote's bundle with the (genuinely Intel-signed) QE Identity of the TDX quoting
        // enclave in place of the SGX one.
        byte[] sgx = PhalaBytes("sgx_quote_collateral.json");
        byte[] tdx = PhalaBytes("tdx_quote_collateral.json");
        byte[] mixedBundle = WithMember(WithMember(sgx, "qe_identity", BundleMember(tdx, "qe_identity")), "qe_identity_signature", BundleMember(tdx, "qe_identity_signature"));
        var intel = Assert.Throws<AttestationException>(() =>
            IntelVerifier.Verify(Quote.Parse(PhalaBytes("sgx_quote")), DcapQvlCollateralJson.Parse(mixedBundle), PhalaSgxNow));
        Assert.Equal(AttestationFailureReason.CollateralMismatch, intel.Reason);
        Assert.Equal(VerificationStep.QeIdentitySignature, intel.Step);
        Assert.Equal(nameof(EnclaveIdentityId.Qe), intel.Expected);
        Assert.Equal(nameof(EnclaveIdentityId.TdQe), intel.Actual);
    }

    [Fact]
    public async Task Collateral_from_another_platform_is_rejected_before_any_data()
    {
        // Genuinely signed by the trusted (simulated) Intel, but the TCB Info of another FMSPC, where this platform's
        // TCB might look up to date.
        SimulatedHost host = fixture.Host;
        SimulatedCollateral otherPlatform = Attack.Forge(host, new SimulatedCollateralOptions { TcbInfoFmspc = Attack.OtherFmspc() });
        await using UntrustedInterceptor attacker = await UntrustedInterceptor.StartAsync(host.UntrustedPort);
        attacker.Rewrite = (path, _, body) => path == ProtocolRoutes.Collateral ? Attack.ReplaceCollateral(body, otherPlatform) : body;
        host.Requests.Clear();

        AttestationException error = await ConnectThroughAsync(host, attacker);

        Assert.Equal(AttestationFailureReason.PlatformMismatch, error.Reason);
        Assert.Equal(VerificationStep.PlatformIdentity, error.Step);
        Assert.Equal(Convert.ToHexStringLower(new SimulatedPlatformTcb().Fmspc.Span), error.Expected);
        Assert.Equal(Convert.ToHexStringLower(Attack.OtherFmspc()), error.Actual);
        Attack.AssertNothingReached(host);

        // Real Intel collateral: the TDX quote's collateral given for the SGX quote.
        var intel = Assert.Throws<AttestationException>(() =>
            IntelVerifier.Verify(Quote.Parse(PhalaBytes("sgx_quote")), DcapQvlCollateralJson.Parse(PhalaBytes("tdx_quote_collateral.json")), PhalaTdxNow));
        Assert.Equal(AttestationFailureReason.CollateralMismatch, intel.Reason);
        Assert.Equal("Sgx", intel.Expected);
        Assert.Equal("Tdx", intel.Actual);
    }

    [Fact]
    public async Task Revoked_PCK_certificate_is_rejected_before_any_data()
    {
        // The platform's PCK certificate was revoked (its key leaked): Intel's PCK CRL lists its serial number. The
        // client's collateral source returns that CRL, all signatures valid.
        SimulatedHost host = fixture.Host;
        BlindAIClientOptions options = host.ClientOptions();
        options.CollateralProvider = Attack.Provider(() => Attack.Resolved(host, new SimulatedCollateralOptions { RevokePckCertificate = true }));
        host.Requests.Clear();

        AttestationException error = await Attack.AssertRefusedAsync(host, options, AttestationFailureReason.CertificateRevoked, VerificationStep.PckCrl);
    }

    [Fact]
    public async Task Revoked_PCK_platform_CA_is_rejected_before_any_data()
    {
        SimulatedHost host = fixture.Host;
        BlindAIClientOptions options = host.ClientOptions();
        options.CollateralProvider = Attack.Provider(() => Attack.Resolved(host, new SimulatedCollateralOptions { RevokePckPlatformCa = true }));
        host.Requests.Clear();

        // The root CA CRL revokes the CA that issues the PCK certificates and the PCK CRL.
        AttestationException error = await Attack.AssertRefusedAsync(host, options, AttestationFailureReason.CertificateRevoked, VerificationStep.PckCrl);
    }

    [Fact]
    public async Task TCB_downgrade_by_rolling_back_to_older_TCB_Info_is_rejected_before_any_data()
    {
        // After a TCB recovery (evaluation number 17), the attacker serves the previous TCB Info (16), still within its
        // validity window, in which this platform's TCB was up to date. The client requires the current evaluation.
        SimulatedHost host = fixture.Host;
        SimulatedCollateral older = Attack.Forge(host, new SimulatedCollateralOptions { TcbEvaluationDataNumber = 16 });
        await using UntrustedInterceptor attacker = await UntrustedInterceptor.StartAsync(host.UntrustedPort);
        attacker.Rewrite = (path, _, body) => path == ProtocolRoutes.Collateral ? Attack.ReplaceCollateral(body, older) : body;
        BlindAIClientOptions options = host.ClientOptions();
        options.UntrustedPort = attacker.Port;
        options.Policy = options.Policy.RequireMinimumTcbEvaluationDataNumber(17);
        host.Requests.Clear();

        var error = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync(options));

        Assert.Equal(AttestationFailureReason.PolicyViolation, error.Reason);
        PolicyViolation violation = Assert.Single(error.Violations);
        Assert.Equal("tcbEvaluationDataNumber", violation.Field);
        Assert.Equal(">= 17", violation.Expected);
        Assert.Equal("16", violation.Actual);
        Attack.AssertNothingReached(host);
    }

    [Fact]
    public void TCB_downgrade_on_real_Intel_quotes_is_rejected()
    {
        // A TDX platform whose components are below every TCB level Intel lists (phala tdx_quote_outdated).
        var unsupported = Assert.Throws<AttestationException>(() => IntelVerifier.Verify(
            Quote.Parse(PhalaBytes("tdx_quote_outdated")),
            DcapQvlCollateralJson.Parse(PhalaBytes("tdx_quote_outdated_collateral.json")),
            PhalaTdxOutdatedNow));
        Assert.Equal(AttestationFailureReason.TcbLevelNotFound, unsupported.Reason);
        Assert.Equal(VerificationStep.TcbLevel, unsupported.Step);

        // A genuine SGX platform that verifies, but whose TCB needs configuration and software hardening: the strict
        // policy (UpToDate only) refuses it and names the status.
        QuoteVerificationResult hardeningNeeded = IntelVerifier.Verify(
            Quote.Parse(PhalaBytes("sgx_quote")), DcapQvlCollateralJson.Parse(PhalaBytes("sgx_quote_collateral.json")), PhalaSgxNow);
        var refused = Assert.Throws<AttestationException>(() => AttestationPolicy.Strict.AllowUnpinnedIdentity().EnsureSatisfied(hardeningNeeded));
        Assert.Equal(AttestationFailureReason.PolicyViolation, refused.Reason);
        Assert.Contains(refused.Violations, v => v.Actual.Contains(nameof(TcbStatus.ConfigurationAndSWHardeningNeeded), StringComparison.Ordinal));
    }

    private static async Task<AttestationException> ConnectThroughAsync(SimulatedHost host, UntrustedInterceptor attacker)
    {
        BlindAIClientOptions options = host.ClientOptions();
        options.UntrustedPort = attacker.Port;
        return await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync(options));
    }

    private static string ChangeOneByte(string signedJson, string from, string to)
    {
        Assert.Equal(from.Length, to.Length);
        Assert.Contains(from, signedJson, StringComparison.Ordinal);
        string changed = signedJson.Replace(from, to, StringComparison.Ordinal);
        Assert.Equal(1, changed.Zip(signedJson).Count(pair => pair.First != pair.Second));
        return changed;
    }

    private static byte[] PhalaBytes(string name) => TestPaths.ReadTestData("dcap", "phala-dcap-qvl", name);

    private static string BundleMember(byte[] bundle, string name) => JsonNode.Parse(bundle)![name]!.GetValue<string>();

    private static byte[] WithMember(byte[] bundle, string name, string value)
    {
        JsonObject node = JsonNode.Parse(bundle)!.AsObject();
        node[name] = value;
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }
}
