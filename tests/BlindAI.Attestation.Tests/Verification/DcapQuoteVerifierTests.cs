using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Tests.Collateral;
using BlindAI.Attestation.Tests.Quotes;
using BlindAI.Attestation.Verification;

namespace BlindAI.Attestation.Tests.Verification;

/// <summary>The real Intel vectors give exactly the outcomes tests/TestData/dcap/README.md states.</summary>
public sealed class DcapQuoteVerifierTests
{
    private readonly DcapQuoteVerifier _verifier = new();

    [Fact]
    public void Phala_sgx_quote_is_configuration_and_sw_hardening_needed_with_two_advisories()
    {
        QuoteVerificationResult result = _verifier.Verify(Quote.Parse(QuoteVectors.SgxV3), CollateralVectors.SgxBundle(), CollateralVectors.SgxNow);

        Assert.Equal(TcbStatus.ConfigurationAndSWHardeningNeeded, result.TcbStatus);
        Assert.Equal(["INTEL-SA-00289", "INTEL-SA-00615"], result.AdvisoryIds.Order(StringComparer.Ordinal));
        Assert.Equal("00a067110000", result.Fmspc.ToString());
        Assert.Equal(17, result.TcbEvaluationDataNumber);
        Assert.Equal(CollateralVectors.SgxNow, result.VerifiedAt);
        Assert.Equal(CollateralVectors.SgxNow.AddSeconds(1), result.CollateralExpiresAt);
        Assert.Equal("33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb", result.Quote.SgxReport!.MrEnclave.ToString());
    }

    [Fact]
    public void Phala_tdx_quote_is_up_to_date_without_advisories()
    {
        QuoteVerificationResult result = _verifier.Verify(Quote.Parse(QuoteVectors.TdxV4), CollateralVectors.TdxBundle(), CollateralVectors.TdxNow);

        Assert.Equal(TcbStatus.UpToDate, result.TcbStatus);
        Assert.Empty(result.AdvisoryIds);
        Assert.Equal("b0c06f000000", result.Fmspc.ToString());
        Assert.Equal(TcbStatus.UpToDate, result.QeTcbStatus);
    }

    [Fact]
    public void Phala_outdated_tdx_v5_quote_matches_no_tcb_level()
    {
        var error = Assert.Throws<AttestationException>(() =>
            _verifier.Verify(Quote.Parse(QuoteVectors.TdxV5Outdated), CollateralVectors.TdxOutdatedBundle(), CollateralVectors.TdxOutdatedNow));

        Assert.Equal(AttestationFailureReason.TcbLevelNotFound, error.Reason);
        Assert.Equal(VerificationStep.TcbLevel, error.Step);
        Assert.NotNull(error.Expected);
        Assert.NotNull(error.Actual);
    }

    [Fact]
    public void Automata_sgx_v3_quote_with_raw_pcs_collateral_is_out_of_date()
    {
        QuoteCollateral collateral = QuoteCollateral.FromPcsResponses(CollateralVectors.AutomataSgxResponses());

        QuoteVerificationResult result = _verifier.Verify(Quote.Parse(QuoteVectors.AutomataSgxV3), collateral, CollateralVectors.AutomataNow);

        Assert.Equal(TcbStatus.OutOfDate, result.TcbStatus);
        Assert.Equal(TcbStatus.UpToDate, result.QeTcbStatus);
        Assert.Equal("00606a000000", result.Fmspc.ToString());
        Assert.Equal("a4f45c39dac622cb1dd32ddb35a52ec92db41d0fa88a1c911c49e59c53", result.Quote.SgxReport!.MrEnclave.ToString()[..58]);
    }

    [Fact]
    public void Automata_padded_tdx_quote_is_out_of_date_with_three_advisories()
    {
        QuoteCollateral collateral = QuoteCollateral.FromPcsResponses(CollateralVectors.AutomataTdxResponses());

        QuoteVerificationResult result = _verifier.Verify(Quote.Parse(QuoteVectors.AutomataTdxV4Padded), collateral, CollateralVectors.AutomataNow);

        Assert.Equal(TcbStatus.OutOfDate, result.TcbStatus);
        Assert.Equal(["INTEL-SA-00960", "INTEL-SA-00982", "INTEL-SA-00986"], result.AdvisoryIds.Order(StringComparer.Ordinal));
        Assert.Equal("00806f050000", result.Fmspc.ToString());
    }

    [Fact]
    public void Collateral_past_next_update_is_expired()
    {
        var error = Assert.Throws<AttestationException>(() =>
            _verifier.Verify(Quote.Parse(QuoteVectors.SgxV3), CollateralVectors.SgxBundle(), CollateralVectors.SgxNow.AddSeconds(2)));

        Assert.Equal(AttestationFailureReason.Expired, error.Reason);
    }

    [Fact]
    public void Collateral_before_its_issue_date_is_not_yet_valid()
    {
        QuoteCollateral collateral = CollateralVectors.SgxBundle();

        var error = Assert.Throws<AttestationException>(() =>
            _verifier.Verify(Quote.Parse(QuoteVectors.SgxV3), collateral, collateral.TcbInfo.IssueDate.AddSeconds(-1)));

        Assert.Equal(AttestationFailureReason.NotYetValid, error.Reason);
    }

    [Fact]
    public void Tdx_collateral_for_an_sgx_quote_is_a_mismatch()
    {
        var error = Assert.Throws<AttestationException>(() =>
            _verifier.Verify(Quote.Parse(QuoteVectors.SgxV3), CollateralVectors.TdxBundle(), CollateralVectors.TdxNow));

        Assert.Equal(AttestationFailureReason.CollateralMismatch, error.Reason);
        Assert.Equal("Sgx", error.Expected);
        Assert.Equal("Tdx", error.Actual);
    }

    [Fact]
    public void Collateral_of_another_platform_is_a_platform_mismatch()
    {
        // Genuine Intel-signed TCB Info, but for FMSPC 00606a000000 (automata); the phala quote's platform is 00a067110000.
        // The automata TCB Info expired months before the phala collateral's instant, hence the (loudly named) grace.
        QuoteCollateral phala = CollateralVectors.SgxBundle();
        QuoteCollateral automata = QuoteCollateral.FromPcsResponses(CollateralVectors.AutomataSgxResponses());
        var mixed = new QuoteCollateral
        {
            PckCrl = phala.PckCrl,
            PckCrlIssuerChain = phala.PckCrlIssuerChain,
            RootCaCrl = phala.RootCaCrl,
            TcbInfo = automata.TcbInfo,
            TcbInfoSignature = automata.TcbInfoSignature,
            TcbInfoIssuerChain = phala.TcbInfoIssuerChain, // the renewed TCB signing certificate, same key
            QeIdentity = phala.QeIdentity,
            QeIdentitySignature = phala.QeIdentitySignature,
            QeIdentityIssuerChain = phala.QeIdentityIssuerChain,
        };
        var verifier = new DcapQuoteVerifier(new DcapQuoteVerifierOptions
        {
            Collateral = new CollateralVerificationOptions { AcceptExpiredCollateralFor = TimeSpan.FromDays(365) },
        });

        var error = Assert.Throws<AttestationException>(() =>
            verifier.Verify(Quote.Parse(QuoteVectors.SgxV3), mixed, CollateralVectors.SgxNow));

        Assert.True(error.Reason == AttestationFailureReason.PlatformMismatch, error.Message);
        Assert.Equal(VerificationStep.PlatformIdentity, error.Step);
        Assert.Equal("00a067110000", error.Expected);
        Assert.Equal("00606a000000", error.Actual);
    }

    [Fact]
    public void A_flipped_report_body_byte_breaks_the_quote_signature()
    {
        byte[] bytes = QuoteVectors.SgxV3;
        bytes[48 + 64] ^= 0x01; // first byte of MRENCLAVE

        var error = Assert.Throws<AttestationException>(() =>
            _verifier.Verify(Quote.Parse(bytes), CollateralVectors.SgxBundle(), CollateralVectors.SgxNow));

        Assert.Equal(AttestationFailureReason.InvalidQuoteSignature, error.Reason);
        Assert.Equal(VerificationStep.QuoteSignature, error.Step);
    }

    [Fact]
    public void A_flipped_qe_report_byte_breaks_the_qe_report_signature()
    {
        byte[] bytes = QuoteVectors.SgxV3;
        // v3: header 48 + body 384 + sig length 4 + signature 64 + attestation key 64 = start of the QE report.
        bytes[48 + 384 + 4 + 64 + 64 + 64] ^= 0x01; // a byte of the QE report's MRENCLAVE

        var error = Assert.Throws<AttestationException>(() =>
            _verifier.Verify(Quote.Parse(bytes), CollateralVectors.SgxBundle(), CollateralVectors.SgxNow));

        Assert.Equal(AttestationFailureReason.InvalidQeReportSignature, error.Reason);
    }

    [Fact]
    public void A_flipped_qe_authentication_data_byte_breaks_the_qe_report_data()
    {
        byte[] bytes = QuoteVectors.SgxV3;
        Quote original = Quote.Parse(bytes);
        Assert.True(original.SignatureData.QeAuthenticationData.Data.Length > 0);
        // v3: ... QE report 384 + QE report signature 64 + auth length 2 = the first QE authentication data byte.
        bytes[48 + 384 + 4 + 64 + 64 + 384 + 64 + 2] ^= 0x01;

        var error = Assert.Throws<AttestationException>(() =>
            _verifier.Verify(Quote.Parse(bytes), CollateralVectors.SgxBundle(), CollateralVectors.SgxNow));

        Assert.Equal(AttestationFailureReason.QeReportDataMismatch, error.Reason);
        Assert.Equal(VerificationStep.QeReportData, error.Step);
        Assert.Equal(128, error.Expected!.Length);
    }

    [Fact]
    public void The_default_verifier_refuses_a_chain_that_does_not_end_at_the_intel_root()
    {
        // Same quote, but the verifier trusts another root: the Intel chain must not verify.
        using var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=Not Intel", other, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        using var root = request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));
        var verifier = new DcapQuoteVerifier(new DcapQuoteVerifierOptions { TrustAnchor = TrustAnchor.InsecureNonIntelRoot(root) });

        var error = Assert.Throws<AttestationException>(() =>
            verifier.Verify(Quote.Parse(QuoteVectors.SgxV3), CollateralVectors.SgxBundle(), CollateralVectors.SgxNow));

        Assert.Equal(AttestationFailureReason.UntrustedRoot, error.Reason);
    }

    [Fact]
    public void Time_comes_from_the_time_provider_when_no_instant_is_given()
    {
        var clock = new FixedClock(CollateralVectors.SgxNow);
        var verifier = new DcapQuoteVerifier(timeProvider: clock);

        QuoteVerificationResult result = verifier.Verify(Quote.Parse(QuoteVectors.SgxV3), CollateralVectors.SgxBundle());

        Assert.Equal(CollateralVectors.SgxNow, result.VerifiedAt);
    }

    [Fact]
    public void Warm_verification_reuses_verified_collateral_but_still_checks_time()
    {
        QuoteCollateral collateral = CollateralVectors.SgxBundle();
        Quote quote = Quote.Parse(QuoteVectors.SgxV3);

        QuoteVerificationResult first = _verifier.Verify(quote, collateral, CollateralVectors.SgxNow.AddSeconds(-10));
        QuoteVerificationResult second = _verifier.Verify(quote, collateral, CollateralVectors.SgxNow);

        Assert.Equal(first.TcbStatus, second.TcbStatus);
        var error = Assert.Throws<AttestationException>(() => _verifier.Verify(quote, collateral, CollateralVectors.SgxNow.AddSeconds(5)));
        Assert.Equal(AttestationFailureReason.Expired, error.Reason);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
