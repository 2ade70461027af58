using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Verification;
using BlindAI.Enclave.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace BlindAI.Enclave.Tests.Simulation;

/// <summary>
/// Simulated quotes and collateral through the unmodified <see cref="DcapQuoteVerifier"/> and <see cref="AttestationPolicy"/>,
/// with the simulation root named as trust anchor: every TCB status and every failure, each with valid signatures
/// except where a signature is the thing under test.
/// </summary>
public sealed class SimulatedPlatformThroughVerifierTests : IClassFixture<SimulatedPlatformThroughVerifierTests.Fixture>
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly SimulatedTeePlatform _platform;

    public SimulatedPlatformThroughVerifierTests(Fixture fixture) => _platform = fixture.Platform;

    public sealed class Fixture : IDisposable
    {
        public SimulatedTeePlatform Platform { get; } = SimulatedTeePlatform.Create(timeProvider: new FakeTimeProvider(Now));

        public void Dispose() => Platform.Dispose();
    }

    private DcapQuoteVerifier Verifier(SimulatedTeePlatform? platform = null) =>
        new(new DcapQuoteVerifierOptions { TrustAnchor = TrustAnchor.InsecureNonIntelRoot((platform ?? _platform).RootCertificate) });

    private static QuoteCollateral Parse(SimulatedCollateral collateral) => DcapQvlCollateralJson.Parse(Encoding.UTF8.GetBytes(collateral.ToDcapQvlJson()));

    private static QuoteCollateral Parse(string bundleJson) => DcapQvlCollateralJson.Parse(Encoding.UTF8.GetBytes(bundleJson));

    private QuoteVerificationResult Verify(SimulatedQuoteOptions? quote = null, SimulatedCollateralOptions? collateral = null, SimulatedTeePlatform? platform = null)
    {
        platform ??= _platform;
        bool tdx = quote?.Format is { } f && f != SimulatedQuoteFormat.SgxV3;
        collateral ??= new SimulatedCollateralOptions();
        return Verifier(platform).Verify(
            Quote.Parse(platform.CreateQuote(new byte[64], quote)),
            Parse(platform.CreateCollateral(collateral with { Tdx = tdx })),
            Now);
    }

    private AttestationException Fails(SimulatedQuoteOptions? quote = null, SimulatedCollateralOptions? collateral = null, SimulatedTeePlatform? platform = null) =>
        Assert.Throws<AttestationException>(() => Verify(quote, collateral, platform));

    private AttestationPolicy PinnedPolicy => AttestationPolicy.Strict.RequireMrEnclave(Measurement.FromBytes(_platform.Options.Enclave.MrEnclave.Span));

    [Theory]
    [InlineData(SimulatedQuoteFormat.SgxV3)]
    [InlineData(SimulatedQuoteFormat.TdxV4)]
    [InlineData(SimulatedQuoteFormat.TdxV5TdReport10)]
    [InlineData(SimulatedQuoteFormat.TdxV5TdReport15)]
    public void Default_simulated_quote_verifies_up_to_date(SimulatedQuoteFormat format)
    {
        QuoteVerificationResult result = Verify(new SimulatedQuoteOptions { Format = format });
        Assert.Equal(TcbStatus.UpToDate, result.TcbStatus);
        Assert.Equal(TcbStatus.UpToDate, result.QeTcbStatus);
        Assert.Empty(result.AdvisoryIds);
        Assert.Equal(Convert.ToHexStringLower(_platform.Options.Platform.Fmspc.Span), result.Fmspc.ToString());
    }

    [Fact]
    public void The_same_quote_is_refused_when_the_simulation_root_is_not_named()
    {
        Quote quote = Quote.Parse(_platform.CreateQuote(new byte[64]));
        QuoteCollateral collateral = Parse(_platform.CreateCollateral());
        var e = Assert.Throws<AttestationException>(() => new DcapQuoteVerifier().Verify(quote, collateral, Now));
        Assert.Equal(AttestationFailureReason.UntrustedRoot, e.Reason);
    }

    [Fact]
    public void Another_simulation_root_is_not_this_platforms_root()
    {
        using SimulatedTeePlatform other = SimulatedTeePlatform.Create(timeProvider: new FakeTimeProvider(Now));
        var e = Assert.Throws<AttestationException>(() => Verifier(other).Verify(Quote.Parse(_platform.CreateQuote(new byte[64])), Parse(_platform.CreateCollateral()), Now));
        Assert.Equal(AttestationFailureReason.UntrustedRoot, e.Reason);
    }

    [Theory]
    [InlineData(TcbStatus.UpToDate, TcbStatus.UpToDate)]
    [InlineData(TcbStatus.SWHardeningNeeded, TcbStatus.SWHardeningNeeded)]
    [InlineData(TcbStatus.ConfigurationNeeded, TcbStatus.ConfigurationNeeded)]
    [InlineData(TcbStatus.ConfigurationAndSWHardeningNeeded, TcbStatus.ConfigurationAndSWHardeningNeeded)]
    [InlineData(TcbStatus.OutOfDate, TcbStatus.OutOfDate)]
    [InlineData(TcbStatus.OutOfDateConfigurationNeeded, TcbStatus.OutOfDateConfigurationNeeded)]
    [InlineData(TcbStatus.Revoked, TcbStatus.Revoked)]
    public void Each_platform_tcb_status_comes_out_of_the_verifier_and_only_up_to_date_passes_the_strict_policy(TcbStatus simulated, TcbStatus expected)
    {
        QuoteVerificationResult result = Verify(collateral: new SimulatedCollateralOptions { PlatformTcbStatus = simulated, PlatformAdvisoryIds = ["INTEL-SA-00615"] });
        Assert.Equal(expected, result.TcbStatus);
        Assert.Equal(["INTEL-SA-00615"], result.AdvisoryIds);
        if (expected == TcbStatus.UpToDate)
        {
            PinnedPolicy.AcceptAdvisoryIds("INTEL-SA-00615").EnsureSatisfied(result);
        }
        else
        {
            var e = Assert.Throws<AttestationException>(() => PinnedPolicy.AcceptAdvisoryIds("INTEL-SA-00615").EnsureSatisfied(result));
            Assert.Equal(AttestationFailureReason.PolicyViolation, e.Reason);
        }
    }

    [Theory]
    [InlineData(SimulatedQuoteFormat.TdxV4)]
    [InlineData(SimulatedQuoteFormat.TdxV5TdReport15)]
    public void Tdx_statuses_and_module_status_come_through(SimulatedQuoteFormat format)
    {
        Assert.Equal(TcbStatus.OutOfDate, Verify(new SimulatedQuoteOptions { Format = format }, new SimulatedCollateralOptions { PlatformTcbStatus = TcbStatus.OutOfDate }).TcbStatus);
        Assert.Equal(TcbStatus.OutOfDate, Verify(new SimulatedQuoteOptions { Format = format }, new SimulatedCollateralOptions { TdxModuleTcbStatus = TcbStatus.OutOfDate }).TcbStatus);
    }

    [Fact]
    public void An_out_of_date_quoting_enclave_makes_the_result_out_of_date()
    {
        QuoteVerificationResult result = Verify(collateral: new SimulatedCollateralOptions { QeTcbStatus = TcbStatus.OutOfDate });
        Assert.Equal(TcbStatus.OutOfDate, result.QeTcbStatus);
        Assert.Equal(TcbStatus.OutOfDate, result.TcbStatus);
    }

    [Fact]
    public void The_newest_level_the_platform_meets_is_chosen_from_several()
    {
        byte[] higher = _platform.Options.Platform.SgxTcbComponents.ToArray();
        higher[0]++;
        QuoteVerificationResult result = Verify(collateral: new SimulatedCollateralOptions
        {
            TcbLevels =
            [
                new SimulatedTcbLevel { SgxTcbComponents = higher, PceSvn = _platform.Options.Platform.PceSvn, Status = TcbStatus.UpToDate },
                new SimulatedTcbLevel { SgxTcbComponents = _platform.Options.Platform.SgxTcbComponents, PceSvn = _platform.Options.Platform.PceSvn, Status = TcbStatus.OutOfDate, AdvisoryIds = ["INTEL-SA-00828"] },
            ],
        });
        Assert.Equal(TcbStatus.OutOfDate, result.TcbStatus);
        Assert.Equal(["INTEL-SA-00828"], result.AdvisoryIds);
    }

    [Fact]
    public void A_platform_below_every_level_has_no_tcb_level()
    {
        byte[] higher = _platform.Options.Platform.SgxTcbComponents.ToArray();
        higher[7] = 200;
        var e = Fails(collateral: new SimulatedCollateralOptions
        {
            TcbLevels = [new SimulatedTcbLevel { SgxTcbComponents = higher, PceSvn = _platform.Options.Platform.PceSvn }],
        });
        Assert.Equal(AttestationFailureReason.TcbLevelNotFound, e.Reason);
    }

    [Fact]
    public void A_revoked_pck_certificate_is_refused()
    {
        var e = Fails(collateral: new SimulatedCollateralOptions { RevokePckCertificate = true });
        Assert.Equal(AttestationFailureReason.CertificateRevoked, e.Reason);
    }

    [Fact]
    public void A_revoked_pck_platform_ca_is_refused()
    {
        var e = Fails(collateral: new SimulatedCollateralOptions { RevokePckPlatformCa = true });
        Assert.Equal(AttestationFailureReason.CertificateRevoked, e.Reason);
    }

    [Fact]
    public void A_revoked_tcb_signing_certificate_is_refused()
    {
        var e = Fails(collateral: new SimulatedCollateralOptions { RevokeTcbSigningCertificate = true });
        Assert.Equal(AttestationFailureReason.CertificateRevoked, e.Reason);
    }

    public static TheoryData<string, bool> CollateralDocuments() => new()
    {
        { "tcbInfo", true }, { "tcbInfo", false },
        { "qeIdentity", true }, { "qeIdentity", false },
        { "rootCaCrl", true }, { "rootCaCrl", false },
        { "pckCrl", true }, { "pckCrl", false },
    };

    [Theory]
    [MemberData(nameof(CollateralDocuments))]
    public void Expired_and_not_yet_valid_collateral_is_refused(string document, bool expired)
    {
        SimulatedValidity window = expired
            ? new SimulatedValidity(Now.AddDays(-40), Now.AddDays(-10))
            : new SimulatedValidity(Now.AddDays(2), Now.AddDays(30));
        SimulatedCollateralOptions options = document switch
        {
            "tcbInfo" => new() { TcbInfoValidity = window },
            "qeIdentity" => new() { QeIdentityValidity = window },
            "rootCaCrl" => new() { RootCaCrlValidity = window },
            _ => new() { PckCrlValidity = window },
        };
        var e = Fails(collateral: options);
        Assert.Equal(expired ? AttestationFailureReason.Expired : AttestationFailureReason.NotYetValid, e.Reason);
    }

    [Theory]
    [InlineData("pck", true)]
    [InlineData("pck", false)]
    [InlineData("ca", true)]
    [InlineData("ca", false)]
    public void Expired_and_not_yet_valid_certificates_are_refused(string which, bool expired)
    {
        (DateTimeOffset notBefore, DateTimeOffset notAfter) = expired ? (Now.AddYears(-3), Now.AddDays(-1)) : (Now.AddDays(1), Now.AddYears(3));
        SimulatedPkiOptions pki = which == "pck"
            ? new SimulatedPkiOptions { PckNotBefore = notBefore, PckNotAfter = notAfter }
            : new SimulatedPkiOptions { CaNotBefore = notBefore, CaNotAfter = notAfter, PckNotBefore = Now.AddDays(-1), PckNotAfter = Now.AddYears(1) };
        using SimulatedTeePlatform platform = SimulatedTeePlatform.Create(new SimulatedPlatformOptions { Pki = pki }, new FakeTimeProvider(Now));
        var e = Fails(platform: platform);
        Assert.Equal(expired ? AttestationFailureReason.Expired : AttestationFailureReason.NotYetValid, e.Reason);
    }

    [Fact]
    public void Tcb_info_for_another_fmspc_is_refused()
    {
        var e = Fails(collateral: new SimulatedCollateralOptions { TcbInfoFmspc = new byte[] { 0, 0x60, 0x6a, 0, 0, 0 } });
        Assert.Equal(AttestationFailureReason.PlatformMismatch, e.Reason);
    }

    [Fact]
    public void Tcb_info_for_another_pce_id_is_refused()
    {
        var e = Fails(collateral: new SimulatedCollateralOptions { TcbInfoPceId = new byte[] { 1, 0 } });
        Assert.Equal(AttestationFailureReason.PlatformMismatch, e.Reason);
    }

    [Fact]
    public void A_quoting_enclave_that_is_not_the_identitys_is_refused()
    {
        Assert.Equal(AttestationFailureReason.QeIdentityMismatch, Fails(collateral: new SimulatedCollateralOptions { QeIdentityMrSigner = new byte[32] }).Reason);
        Assert.Equal(AttestationFailureReason.QeIdentityMismatch, Fails(collateral: new SimulatedCollateralOptions { QeIdentityIsvProdId = 99 }).Reason);
    }

    [Fact]
    public void A_debug_enclave_verifies_but_the_default_policy_rejects_it_with_a_debug_violation()
    {
        var debug = _platform.Options.Enclave with { AttributeFlags = 0x5 | SimulatedSgxEnclave.DebugFlag };
        QuoteVerificationResult result = Verify(new SimulatedQuoteOptions { Enclave = debug });
        var e = Assert.Throws<AttestationException>(() => PinnedPolicy.EnsureSatisfied(result));
        Assert.Equal(AttestationFailureReason.PolicyViolation, e.Reason);
        Assert.Contains(e.Violations, v => v.Field.Contains("debug", StringComparison.OrdinalIgnoreCase));
        PinnedPolicy.AllowDebug().EnsureSatisfied(result);
    }

    [Fact]
    public void The_pinned_measurement_policy_checks_the_simulated_identity()
    {
        QuoteVerificationResult result = Verify();
        PinnedPolicy.EnsureSatisfied(result);
        var e = Assert.Throws<AttestationException>(() => AttestationPolicy.Strict.RequireMrEnclave(Measurement.FromBytes(new byte[32])).EnsureSatisfied(result));
        Assert.Contains(e.Violations, v => v.Field.Contains("mrEnclave", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void A_changed_quote_body_byte_breaks_the_quote_signature()
    {
        byte[] bytes = _platform.CreateQuote(new byte[64]);
        bytes[48 + 64] ^= 0x01; // MRENCLAVE
        var e = Assert.Throws<AttestationException>(() => Verifier().Verify(Quote.Parse(bytes), Parse(_platform.CreateCollateral()), Now));
        Assert.Equal(AttestationFailureReason.InvalidQuoteSignature, e.Reason);
    }

    [Fact]
    public void A_changed_qe_report_byte_breaks_the_qe_report_signature()
    {
        byte[] bytes = _platform.CreateQuote(new byte[64]);
        int qeReport = 48 + 384 + 4 + 64 + 64;
        bytes[qeReport + 258] ^= 0x01; // QE ISVSVN
        var e = Assert.Throws<AttestationException>(() => Verifier().Verify(Quote.Parse(bytes), Parse(_platform.CreateCollateral()), Now));
        Assert.Equal(AttestationFailureReason.InvalidQeReportSignature, e.Reason);
    }

    [Fact]
    public void A_changed_qe_auth_data_byte_breaks_the_qe_report_data_binding()
    {
        byte[] bytes = _platform.CreateQuote(new byte[64]);
        int authData = 48 + 384 + 4 + 64 + 64 + 384 + 64 + 2;
        bytes[authData] ^= 0x01;
        var e = Assert.Throws<AttestationException>(() => Verifier().Verify(Quote.Parse(bytes), Parse(_platform.CreateCollateral()), Now));
        Assert.Equal(AttestationFailureReason.QeReportDataMismatch, e.Reason);
    }

    [Fact]
    public void A_pck_certificate_with_a_bad_signature_breaks_the_chain()
    {
        byte[] leaf = _platform.PckCertificate.RawData.ToArray();
        leaf[^1] ^= 0x01; // last byte of the signature's s
        string pem = PemEncoding.WriteString("CERTIFICATE", leaf) + "\n"
            + _platform.PckPlatformCaCertificate.ExportCertificatePem() + "\n"
            + _platform.RootCertificate.ExportCertificatePem() + "\n";
        var e = Fails(new SimulatedQuoteOptions { PckCertificateChainPem = pem });
        Assert.Equal(AttestationFailureReason.InvalidCertificateChain, e.Reason);
    }

    [Theory]
    [InlineData("tcb_info_signature", AttestationFailureReason.InvalidCollateralSignature)]
    [InlineData("qe_identity_signature", AttestationFailureReason.InvalidCollateralSignature)]
    [InlineData("root_ca_crl", AttestationFailureReason.InvalidCrl)]
    [InlineData("pck_crl", AttestationFailureReason.InvalidCrl)]
    public void A_bad_collateral_signature_is_refused(string field, AttestationFailureReason reason)
    {
        JsonObject bundle = JsonNode.Parse(_platform.CreateCollateral().ToDcapQvlJson())!.AsObject();
        string hex = bundle[field]!.GetValue<string>();
        bundle[field] = hex[..^1] + (hex[^1] == '0' ? '1' : '0'); // last byte of the signature
        var e = Assert.Throws<AttestationException>(() => Verifier().Verify(Quote.Parse(_platform.CreateQuote(new byte[64])), Parse(bundle.ToJsonString()), Now));
        Assert.Equal(reason, e.Reason);
    }

    [Fact]
    public void Changing_one_character_of_the_signed_tcb_info_breaks_its_signature()
    {
        SimulatedCollateral collateral = _platform.CreateCollateral();
        JsonObject bundle = JsonNode.Parse(collateral.ToDcapQvlJson())!.AsObject();
        bundle["tcb_info"] = collateral.TcbInfo.Replace("\"tcbEvaluationDataNumber\":17", "\"tcbEvaluationDataNumber\":18", StringComparison.Ordinal);
        var e = Assert.Throws<AttestationException>(() => Verifier().Verify(Quote.Parse(_platform.CreateQuote(new byte[64])), Parse(bundle.ToJsonString()), Now));
        Assert.Equal(AttestationFailureReason.InvalidCollateralSignature, e.Reason);
    }

    [Fact]
    public void Sgx_collateral_for_a_tdx_quote_is_refused()
    {
        var e = Assert.Throws<AttestationException>(() => Verifier().Verify(
            Quote.Parse(_platform.CreateQuote(new byte[64], new SimulatedQuoteOptions { Format = SimulatedQuoteFormat.TdxV4 })),
            Parse(_platform.CreateCollateral()),
            Now));
        Assert.Equal(AttestationFailureReason.CollateralMismatch, e.Reason);
    }
}
