using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.RaTls;
using BlindAI.Testing;

namespace BlindAI.Attestation.Tests.RaTls;

/// <summary>The real certificates in testdata/ratls read with the values their READMEs state.</summary>
public sealed class RealRaTlsCertificateTests
{
    private static X509Certificate2 Ccc(string name) =>
        X509Certificate2.CreateFromPem(File.ReadAllText(TestPaths.TestData("ratls", "ccc-interoperable-ra-tls", name)));

    [Fact]
    public void Gramine_certificate_has_bound_dice_and_misencoded_legacy_evidence()
    {
        using X509Certificate2 cert = Ccc("gramine-cert.pem");
        RaTlsCertificateEvidence read = RaTlsCertificateReader.Read(cert);

        Assert.Equal("5a5a5b2d177433048e9d62409d1acc4ec526c06e294d09e69a36cff9369e4851", read.PublicKeySha256.ToString());
        Assert.Equal([RaTlsEvidenceFormat.GramineLegacy, RaTlsEvidenceFormat.Dice], read.Evidence.Select(e => e.Format));
        Assert.All(read.Evidence, e => Assert.True(e.BindingVerified, e.BindingDetail));

        RaTlsEvidence legacy = read.Evidence[0];
        Assert.Equal(RaTlsOids.GramineMisencodedLegacySgxQuote, legacy.ExtensionOid);
        Assert.Equal(4734, legacy.RawQuote.Length);
        Assert.Equal("5a5a5b2d177433048e9d62409d1acc4ec526c06e294d09e69a36cff9369e4851", Convert.ToHexStringLower(legacy.Quote!.ReportData.Span[..32]));

        RaTlsEvidence bound = read.GetBoundEvidence();
        Assert.Equal(RaTlsEvidenceFormat.Dice, bound.Format);
        Quote quote = bound.Quote!;
        Assert.Equal("d8673446fe0f6842d4af0d182c8751d7e967039116deff5f85a43b2ca90c2831", Convert.ToHexStringLower(quote.ReportData.Span[..32]));
        Assert.Equal("0866e7ca11b9f4efe4bf39b2607f4e1299f111920d96d95719080f01b62b7585", quote.SgxReport!.MrEnclave.ToString());
        Assert.Equal("adc53501f21ced9b998e37a7a18e061c63e00315045fa57a49c18ef0a30d02ca", quote.SgxReport.MrSigner.ToString());
        Assert.Equal(0, quote.SgxReport.IsvProdId);
        Assert.Equal(0, quote.SgxReport.IsvSvn);
        Assert.True(quote.IsDebug);
        Assert.Equal(0x7UL, quote.SgxReport.AttributeFlags);
        Assert.Equal("00606a000000", quote.SignatureData.PckCertificateChain.Extensions.Fmspc.ToString());
        Assert.Equal(9, quote.SignatureData.QeReport.IsvSvn);
        Assert.Null(bound.Nonce);
    }

    [Fact]
    public void Intel_sdk_certificate_is_bound_through_dice_and_its_raw_quote_is_not_key_bound()
    {
        using X509Certificate2 cert = Ccc("intel-sgxsdk-cert.pem");
        RaTlsCertificateEvidence read = RaTlsCertificateReader.Read(cert);

        Assert.Equal("f306ed602985371e3b485102db1fcdd4f4738329ce58b2f8d1c5d2cc79752026", read.PublicKeySha256.ToString());
        RaTlsEvidence sdk = Assert.Single(read.Evidence, e => e.Format == RaTlsEvidenceFormat.IntelSdk);
        Assert.False(sdk.BindingVerified);
        Assert.Equal(4600, sdk.RawQuote.Length);
        RaTlsEvidence dice = read.GetBoundEvidence();
        Assert.Equal(RaTlsEvidenceFormat.Dice, dice.Format);
        Assert.Equal(sdk.RawQuote.ToArray(), dice.RawQuote.ToArray());
        Assert.Equal("e551b081d5079ad7565b5f20a45f276c2f5a6152c1802c0688e15a02e87a74c9", Convert.ToHexStringLower(dice.Quote!.ReportData.Span[..32]));
        Assert.Equal("09e218a4be9dadbf7cdc82c45497d6d4f676d3b75445fc37a376f0b65b47de6a", dice.Quote.SgxReport!.MrEnclave.ToString());
        Assert.Equal("e0c86c51e05ad8592673db348155bddf4bcad6131a5205ce4265c0d795803ba2", dice.Quote.SgxReport.MrSigner.ToString());
        Assert.Equal(0x3UL, dice.Quote.SgxReport.Xfrm);
        Assert.Equal("00706a100000", dice.Quote.SignatureData.PckCertificateChain.Extensions.Fmspc.ToString());
        Assert.Equal(10, dice.Quote.SignatureData.QeReport.IsvSvn);
    }

    [Fact]
    public void Rats_tls_certificate_ignores_custom_claims_and_binds_a_p256_key()
    {
        using X509Certificate2 cert = Ccc("rats-tls-cert.pem");
        RaTlsCertificateEvidence read = RaTlsCertificateReader.Read(cert);

        Assert.Equal("72c0b70c2092741a4cfda0c2465487faf132998617b0aad53118aa5d6e180006", read.PublicKeySha256.ToString());
        RaTlsEvidence dice = Assert.Single(read.Evidence);
        Assert.Equal(RaTlsEvidenceFormat.Dice, dice.Format);
        Assert.True(dice.BindingVerified, dice.BindingDetail);
        Quote quote = read.GetBoundQuote();
        Assert.Equal("3ef61b935603341747b96c602397da1c4761afe4eeed2cdc08cbf5f4ff61c533", Convert.ToHexStringLower(quote.ReportData.Span[..32]));
        Assert.Equal("38e1b40b8c68186f359c97ecb6a89965d9d8638f2df06fbe18e84d79a266c041", quote.SgxReport!.MrEnclave.ToString());
        Assert.Equal("83d719e77deaca1470f6baf62a4d774303c899db69020f9c70ee1dfc08c7ce9e", quote.SgxReport.MrSigner.ToString());
        Assert.Equal("00606a000000", quote.SignatureData.PckCertificateChain.Extensions.Fmspc.ToString());
    }

    [Fact]
    public void Intel_2019_sample_fails_key_binding()
    {
        using X509Certificate2 cert = X509CertificateLoader.LoadCertificate(TestPaths.ReadTestData("ratls", "intel-sgx-ra-tls", "ecdsa-ratls.der"));
        RaTlsCertificateEvidence read = RaTlsCertificateReader.Read(cert);

        RaTlsEvidence legacy = Assert.Single(read.Evidence);
        Assert.Equal(RaTlsEvidenceFormat.Legacy, legacy.Format);
        Assert.Equal(RaTlsOids.LegacySgxQuote, legacy.ExtensionOid);
        Assert.Equal(TestPaths.ReadTestData("ratls", "intel-sgx-ra-tls", "quote-ppid-rsa3072.dat"), legacy.RawQuote.ToArray());
        Assert.False(legacy.BindingVerified);
        Assert.Contains(new string('0', 64), legacy.BindingDetail, StringComparison.Ordinal);

        // Certification data type 3 (encrypted PPID) is not accepted by the parser; the binding check does not need it.
        Assert.Null(legacy.Quote);
        Assert.Equal(AttestationFormatErrorReason.UnsupportedCertificationDataType, legacy.QuoteError!.Reason);

        var e = Assert.Throws<AttestationException>(() => read.GetBoundEvidence());
        Assert.Equal(AttestationFailureReason.CertificateBindingMismatch, e.Reason);
        Assert.Equal(VerificationStep.CertificateBinding, e.Step);
    }
}
