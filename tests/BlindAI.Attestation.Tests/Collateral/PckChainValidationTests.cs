using BlindAI.Attestation.Pck;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

using BlindAI.Attestation.Collateral;

namespace BlindAI.Attestation.Tests.Collateral;

public sealed class PckChainValidationTests
{
    private static readonly CollateralVerifier Intel = new(TrustAnchor.IntelSgxRootCa);

    /// <summary>The PEM certificates inside a quote's certification data (type 5), found by their markers.</summary>
    private static X509Certificate2[] PckChainOfQuote(string name)
    {
        var text = Encoding.Latin1.GetString(CollateralVectors.PhalaBundleBytes(name));
        var start = text.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal);
        var end = text.LastIndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal) + 25;
        return [.. CertificateChain.Parse(text[start..end]).Certificates];
    }

    [Theory]
    [InlineData("sgx_quote", "sgx_quote_collateral.json", 1752919277, PckCaType.Processor)]
    [InlineData("tdx_quote", "tdx_quote_collateral.json", 1752919234, PckCaType.Platform)]
    [InlineData("tdx_quote_outdated", "tdx_quote_outdated_collateral.json", 1774003274, PckCaType.Platform)]
    public void Pck_chains_of_the_real_quotes_validate_with_their_collateral(string quote, string bundle, long unixSeconds, PckCaType caType)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        var verified = Intel.Verify(DcapQvlCollateralJson.Parse(CollateralVectors.PhalaBundleBytes(bundle)), now);
        var chain = PckChainOfQuote(quote);

        var pck = verified.ValidatePckChain(chain, now);

        Assert.Equal(caType, pck.CaType);
        Assert.Equal(caType, PckCertificateAuthority.GetIssuerCaType(chain[0].IssuerName.RawData));
        Assert.Equal(chain[0].RawData, pck.Leaf.RawData);
        Assert.Same(pck, verified.ValidatePckChain(chain, now));
    }

    [Fact]
    public void Automata_platform_chain_validates_and_its_key_checks_signatures()
    {
        var verified = Intel.Verify(QuoteCollateral.FromPcsResponses(CollateralVectors.AutomataSgxResponses()), CollateralVectors.AutomataNow);
        var chain = CertificateChain.Parse(CollateralVectors.AutomataText("pck_certchain.pem")).Certificates;

        var pck = verified.ValidatePckChain(chain, CollateralVectors.AutomataNow);

        Assert.Equal(PckCaType.Platform, pck.CaType);
        Assert.False(pck.VerifySignature(new byte[384], new byte[64]));
        Assert.Equal(DateTimeOffset.Parse("2030-08-24T21:35:32Z"), pck.NotAfter);
    }

    [Fact]
    public void Pck_certificate_from_the_other_ca_needs_the_other_crl()
    {
        var verified = Intel.Verify(CollateralVectors.SgxBundle(), CollateralVectors.SgxNow);
        var platformChain = CertificateChain.Parse(CollateralVectors.AutomataText("pck_certchain.pem")).Certificates;

        var error = Assert.Throws<AttestationException>(() => verified.ValidatePckChain(platformChain, CollateralVectors.SgxNow));

        Assert.Equal(AttestationFailureReason.CollateralMismatch, error.Reason);
        Assert.Equal(VerificationStep.PckCrl, error.Step);
    }

    [Fact]
    public void Expired_pck_certificate_is_rejected_even_when_cached()
    {
        var verified = Intel.Verify(QuoteCollateral.FromPcsResponses(CollateralVectors.AutomataSgxResponses()), CollateralVectors.AutomataNow);
        var chain = CertificateChain.Parse(CollateralVectors.AutomataText("pck_certchain.pem")).Certificates;
        verified.ValidatePckChain(chain, CollateralVectors.AutomataNow);

        var error = Assert.Throws<AttestationException>(() => verified.ValidatePckChain(chain, new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        Assert.Equal(AttestationFailureReason.Expired, error.Reason);
        Assert.Equal(VerificationStep.PckCertificateChain, error.Step);
    }

    [Fact]
    public void Pck_chain_ending_at_a_foreign_root_is_untrusted()
    {
        using var pki = new TestPki();
        var verified = Intel.Verify(CollateralVectors.SgxBundle(), CollateralVectors.SgxNow);
        var error = Assert.Throws<AttestationException>(() => verified.ValidatePckChain(pki.PckChain, CollateralVectors.SgxNow));
        Assert.Equal(AttestationFailureReason.UntrustedRoot, error.Reason);
        Assert.Equal(VerificationStep.PckCertificateChain, error.Step);
    }

    [Fact]
    public void Pck_chain_without_the_root_uses_the_pinned_anchor()
    {
        var verified = Intel.Verify(CollateralVectors.SgxBundle(), CollateralVectors.SgxNow);
        var chain = PckChainOfQuote("sgx_quote");
        Assert.Equal(PckCaType.Processor, verified.ValidatePckChain(chain[..2], CollateralVectors.SgxNow).CaType);
        Assert.Equal(AttestationFailureReason.InvalidCertificateChain, Assert.Throws<AttestationException>(() => verified.ValidatePckChain(chain[..1], CollateralVectors.SgxNow)).Reason);
    }

    [Fact]
    public void Leaf_signed_by_another_key_is_rejected()
    {
        using var pki = new TestPki();
        var verified = new CollateralVerifier(pki.Anchor).Verify(pki.Collateral(), TestPki.Now);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(pki.Leaf.SubjectName, pki.LeafKey, HashAlgorithmName.SHA256);
        using var forged = request.Create(pki.PckCa.SubjectName, X509SignatureGenerator.CreateForECDsa(otherKey), TestPki.Now.AddDays(-1), TestPki.Now.AddDays(1), [9]);

        var error = Assert.Throws<AttestationException>(() => verified.ValidatePckChain([forged, pki.PckCa, pki.Root], TestPki.Now));

        Assert.Equal(AttestationFailureReason.InvalidCertificateChain, error.Reason);
    }

    [Fact]
    public void Revoked_pck_certificate_is_rejected()
    {
        using var pki = new TestPki(revokeLeaf: true);
        var verified = new CollateralVerifier(pki.Anchor).Verify(pki.Collateral(), TestPki.Now);

        var error = Assert.Throws<AttestationException>(() => verified.ValidatePckChain(pki.PckChain, TestPki.Now));

        Assert.Equal(AttestationFailureReason.CertificateRevoked, error.Reason);
        Assert.Equal(VerificationStep.PckCrl, error.Step);
        Assert.Equal("5566", error.Actual);
    }

    [Fact]
    public void Valid_test_pki_leaf_key_verifies_its_signatures()
    {
        using var pki = new TestPki();
        var verified = new CollateralVerifier(pki.Anchor).Verify(pki.Collateral(), TestPki.Now);
        var pck = verified.ValidatePckChain(pki.PckChain, TestPki.Now);
        var report = RandomNumberGenerator.GetBytes(384);

        Assert.True(pck.VerifySignature(report, pki.LeafKey.SignData(report, HashAlgorithmName.SHA256)));
        report[0] ^= 1;
        Assert.False(pck.VerifySignature(report, pki.LeafKey.SignData(new byte[1], HashAlgorithmName.SHA256)));
    }

    [Fact]
    public void Der_chain_validates_like_certificate_objects()
    {
        var verified = Intel.Verify(CollateralVectors.SgxBundle(), CollateralVectors.SgxNow);
        var chain = PckChainOfQuote("sgx_quote");

        var fromDer = verified.ValidatePckChain([.. chain.Select(c => (ReadOnlyMemory<byte>)c.RawData)], CollateralVectors.SgxNow);

        Assert.Equal(chain[0].RawData, fromDer.LeafDer.ToArray());
        Assert.Equal(chain[0].RawData, fromDer.Leaf.RawData);
        Assert.Same(fromDer, verified.ValidatePckChain(chain, CollateralVectors.SgxNow));
        Assert.Equal(AttestationFormatErrorReason.InvalidCertificate, Assert.Throws<AttestationFormatException>(() => verified.ValidatePckChain([new byte[] { 0x30, 0x03, 0x02, 0x01, 0x01 }, chain[1].RawData], CollateralVectors.SgxNow)).Reason);
    }

    [Fact]
    public void Certificate_with_an_unknown_critical_extension_is_rejected()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=critical", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509Extension("1.2.3.4.5", [0x05, 0x00], critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1));

        var error = Assert.Throws<AttestationFormatException>(() => CertificateChain.Parse(certificate.ExportCertificatePem()));

        Assert.Equal(AttestationFormatErrorReason.InvalidCertificate, error.Reason);
    }

    [Theory]
    [InlineData("2.5.29.19")]
    [InlineData("2.5.29.15")]
    public void Certificate_with_basic_constraints_or_key_usage_twice_is_rejected(string oid)
    {
        // RFC 5280 4.2: an extension appears at most once. Two basicConstraints (CA, then not) or two keyUsage values would
        // let the last one read decide what the certificate may do; the reader refuses the certificate instead.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=twice", key, HashAlgorithmName.SHA256);
        var placeholder = oid == "2.5.29.19" ? "2.5.29.99" : "2.5.29.98";
        if (oid == "2.5.29.19")
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, critical: true));
            request.CertificateExtensions.Add(new X509Extension(placeholder, new X509BasicConstraintsExtension(false, false, 0, critical: false).RawData, critical: false));
        }
        else
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, critical: true));
            request.CertificateExtensions.Add(new X509Extension(placeholder, new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: false).RawData, critical: false));
        }

        using var certificate = request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1));
        // The platform will not build a certificate with one extension twice: rename the placeholder's OID in the DER
        // (same length; the signature no longer matters to a parser).
        var der = certificate.RawData;
        var from = EncodedOid(placeholder);
        var to = EncodedOid(oid);
        var at = der.AsSpan().IndexOf(from);
        Assert.True(at > 0);
        to.CopyTo(der.AsSpan(at));

        var error = Assert.Throws<AttestationFormatException>(() => CertificateChain.Parse(PemEncoding.WriteString("CERTIFICATE", der)));

        Assert.Equal(AttestationFormatErrorReason.InvalidCertificate, error.Reason);
        Assert.Contains("twice", error.Message, StringComparison.Ordinal);
    }

    private static byte[] EncodedOid(string oid)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(oid);
        return writer.Encode();
    }
}
