using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation;
using System.Text;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Verification;
using BlindAI.Attestation.RaTls;
using BlindAI.Enclave.RaTls;
using BlindAI.Enclave.Simulation;
using BlindAI.Enclave.Tests.Simulation;

namespace BlindAI.Enclave.Tests.RaTls;

/// <summary>Simulated platform → RA-TLS certificate builder → BlindAI.Attestation's reader, and tampering along the way.</summary>
public sealed class RaTlsRoundTripTests : IClassFixture<SimulatedPlatformFixture>
{
    private readonly SimulatedTeePlatform _platform;

    public RaTlsRoundTripTests(SimulatedPlatformFixture fixture) => _platform = fixture.Platform;

    private async Task<RaTlsCertificate> BuildAsync(RaTlsCertificateOptions? options = null, SimulatedQuoteOptions? quoteOptions = null) =>
        await new RaTlsCertificateBuilder(new SimulatedQuoteProvider(_platform, quoteOptions)).BuildAsync(options ?? new RaTlsCertificateOptions(), CancellationToken.None);

    [Theory]
    [InlineData(256)]
    [InlineData(384)]
    public async Task Reader_finds_both_forms_bound_and_returns_the_dice_quote(int keySize)
    {
        using RaTlsCertificate cert = await BuildAsync(new RaTlsCertificateOptions { KeySize = keySize });
        RaTlsCertificateEvidence read = RaTlsCertificateReader.Read(cert.Certificate);

        Assert.Equal(cert.PublicKeySha256.ToArray(), read.PublicKeySha256.Span.ToArray());
        Assert.Equal([RaTlsEvidenceFormat.Dice, RaTlsEvidenceFormat.Legacy], read.Evidence.Select(e => e.Format));
        Assert.All(read.Evidence, e => Assert.True(e.BindingVerified, e.BindingDetail));
        Quote quote = read.GetBoundQuote();
        Assert.Equal(cert.DiceQuote!.Value.ToArray(), quote.Bytes.ToArray());
        Assert.Equal(_platform.Options.Enclave.MrEnclave.ToArray(), quote.SgxReport!.MrEnclave.Span.ToArray());
        Assert.Equal(_platform.Options.Enclave.MrSigner.ToArray(), quote.SgxReport.MrSigner.Span.ToArray());
        Assert.Equal(_platform.RootCertificate.RawData, quote.SignatureData.PckCertificateChain.RootDer.ToArray());
    }

    [Fact]
    public async Task Legacy_only_certificate_reads_through_the_legacy_form()
    {
        using RaTlsCertificate cert = await BuildAsync(new RaTlsCertificateOptions { IncludeDiceEvidence = false });
        RaTlsEvidence evidence = RaTlsCertificateReader.Read(cert.Certificate).GetBoundEvidence();
        Assert.Equal(RaTlsEvidenceFormat.Legacy, evidence.Format);
        Assert.Equal(cert.LegacyQuote!.Value.ToArray(), evidence.RawQuote.ToArray());
    }

    [Fact]
    public async Task Tdx_quotes_round_trip_too()
    {
        using RaTlsCertificate cert = await BuildAsync(quoteOptions: new SimulatedQuoteOptions { Format = SimulatedQuoteFormat.TdxV5TdReport15 });
        Quote quote = RaTlsCertificateReader.ReadBoundQuote(cert.Certificate);
        Assert.Equal(_platform.Options.TrustDomain.MrTd.ToArray(), quote.TdReport!.MrTd.Span.ToArray());
    }

    [Fact]
    public async Task Evidence_moved_to_another_key_fails_binding()
    {
        using RaTlsCertificate cert = await BuildAsync();
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=BlindAI RA-TLS", otherKey, HashAlgorithmName.SHA256);
        foreach (X509Extension extension in cert.Certificate.Extensions)
        {
            if (extension.Oid?.Value is RaTlsOids.DiceTaggedEvidence or RaTlsOids.LegacySgxQuote)
            {
                request.CertificateExtensions.Add(extension);
            }
        }

        using X509Certificate2 forged = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        RaTlsCertificateEvidence read = RaTlsCertificateReader.Read(forged);
        Assert.All(read.Evidence, e => Assert.False(e.BindingVerified));
        var e = Assert.Throws<AttestationException>(() => read.GetBoundQuote());
        Assert.Equal(AttestationFailureReason.CertificateBindingMismatch, e.Reason);
    }

    [Fact]
    public async Task A_flipped_report_data_byte_in_either_quote_fails_binding()
    {
        using RaTlsCertificate cert = await BuildAsync(new RaTlsCertificateOptions { IncludeDiceEvidence = false });
        byte[] der = cert.Certificate.RawData;
        byte[] reportDataStart = cert.PublicKeySha256.Span[..8].ToArray();
        int at = der.AsSpan().IndexOf(reportDataStart);
        Assert.True(at > 0);
        der[at] ^= 0x01;
        using X509Certificate2 tampered = X509CertificateLoader.LoadCertificate(der);
        var e = Assert.Throws<AttestationException>(() => RaTlsCertificateReader.ReadBoundQuote(tampered));
        Assert.Equal(AttestationFailureReason.CertificateBindingMismatch, e.Reason);
    }

    [Fact]
    public async Task A_flipped_claims_byte_fails_binding_and_is_not_rescued_by_the_legacy_quote()
    {
        using RaTlsCertificate cert = await BuildAsync();
        byte[] der = cert.Certificate.RawData;

        // The key hash appears in the DICE claims first (before the legacy quote's report data).
        int at = der.AsSpan().IndexOf(cert.PublicKeySha256.Span);
        der[at + 31] ^= 0x80;
        using X509Certificate2 tampered = X509CertificateLoader.LoadCertificate(der);
        RaTlsCertificateEvidence read = RaTlsCertificateReader.Read(tampered);
        Assert.False(read.Evidence.Single(e => e.Format == RaTlsEvidenceFormat.Dice).BindingVerified);
        Assert.True(read.Evidence.Single(e => e.Format == RaTlsEvidenceFormat.Legacy).BindingVerified);
        var e = Assert.Throws<AttestationException>(() => read.GetBoundQuote());
        Assert.Equal(AttestationFailureReason.CertificateBindingMismatch, e.Reason);
    }

    [Fact]
    public async Task Full_round_trip_through_verifier_and_policy_passes_only_with_the_simulation_root_named()
    {
        using RaTlsCertificate cert = await BuildAsync();
        Quote quote = RaTlsCertificateReader.ReadBoundQuote(cert.Certificate);
        QuoteCollateral collateral = DcapQvlCollateralJson.Parse(Encoding.UTF8.GetBytes(_platform.CreateCollateral().ToDcapQvlJson()));
        var verifier = new DcapQuoteVerifier(new DcapQuoteVerifierOptions { TrustAnchor = TrustAnchor.InsecureNonIntelRoot(_platform.RootCertificate) });

        QuoteVerificationResult result = verifier.Verify(quote, collateral);
        AttestationPolicy policy = AttestationPolicy.Strict
            .RequireMrEnclave(Measurement.FromBytes(_platform.Options.Enclave.MrEnclave.Span))
            .RequireMrSigner(Measurement.FromBytes(_platform.Options.Enclave.MrSigner.Span));
        policy.EnsureSatisfied(result);

        var untrusted = Assert.Throws<AttestationException>(() => new DcapQuoteVerifier().Verify(quote, collateral));
        Assert.Equal(AttestationFailureReason.UntrustedRoot, untrusted.Reason);

        var wrongEnclave = Assert.Throws<AttestationException>(() => AttestationPolicy.Strict.RequireMrEnclave(Measurement.FromBytes(new byte[32])).EnsureSatisfied(result));
        Assert.Equal(AttestationFailureReason.PolicyViolation, wrongEnclave.Reason);
    }

    [Fact]
    public async Task A_fresh_quote_binds_the_certificate_key_and_the_nonce_and_verifies()
    {
        var provider = new SimulatedQuoteProvider(_platform);
        using RaTlsCertificate cert = await new RaTlsCertificateBuilder(provider).BuildAsync(new RaTlsCertificateOptions(), CancellationToken.None);
        byte[] nonce = RandomNumberGenerator.GetBytes(32);
        Quote fresh = Quote.Parse(await new FreshQuoteService(provider).GetFreshQuoteAsync(cert.Certificate, nonce, CancellationToken.None));

        RaTlsCertificateEvidence read = RaTlsCertificateReader.Read(cert.Certificate);
        Assert.Equal(read.PublicKeySha256.Span.ToArray(), fresh.ReportData.Span[..32].ToArray());
        Assert.Equal(nonce, fresh.ReportData.Span[32..].ToArray());
        QuoteCollateral collateral = DcapQvlCollateralJson.Parse(Encoding.UTF8.GetBytes(_platform.CreateCollateral().ToDcapQvlJson()));
        Assert.Equal(TcbStatus.UpToDate, new DcapQuoteVerifier(new DcapQuoteVerifierOptions { TrustAnchor = TrustAnchor.InsecureNonIntelRoot(_platform.RootCertificate) }).Verify(fresh, collateral).TcbStatus);
    }
}
