using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation.Pck;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Tests.Quotes;

namespace BlindAI.Attestation.Tests.Pck;

/// <summary>
/// The one PCK CA classifier (the quote's PCK chain, the collateral request, the PCK CRL issuer all use it): strict, by the
/// issuer's single common name, and anything else is no Intel PCK CA.
/// </summary>
public sealed class PckCertificateAuthorityTests
{
    [Theory]
    [InlineData("CN=Intel SGX PCK Platform CA, O=Intel Corporation, L=Santa Clara, S=CA, C=US", PckCaType.Platform)]
    [InlineData("CN=Intel SGX PCK Processor CA, O=Intel Corporation, L=Santa Clara, S=CA, C=US", PckCaType.Processor)]
    [InlineData("CN=Intel SGX PCK Processor CA", PckCaType.Processor)]
    public void Intels_two_pck_cas_are_told_apart_by_common_name(string name, PckCaType expected)
    {
        var dn = new X500DistinguishedName(name);

        Assert.True(PckCertificateAuthority.TryGetCaType(dn, out PckCaType caType));
        Assert.Equal(expected, caType);
        Assert.Equal(expected, PckCertificateAuthority.GetIssuerCaType(dn.RawData));
    }

    [Theory]
    [InlineData("CN=Intel SGX Root CA, O=Intel Corporation, L=Santa Clara, S=CA, C=US")]
    [InlineData("CN=Intel SGX TCB Signing, O=Intel Corporation")]
    [InlineData("CN=intel sgx pck platform ca")]
    [InlineData("O=Intel Corporation, L=Santa Clara")]
    [InlineData("CN=Intel SGX PCK Platform CA, CN=Intel SGX PCK Processor CA")]
    [InlineData("CN=Intel SGX PCK Platform CA, CN=Intel SGX PCK Platform CA")]
    [InlineData("CN=Intel SGX PCK Platform CA + O=Intel Corporation")]
    public void Any_other_name_designates_no_pck_ca_and_is_an_error_for_a_pck_certificate(string name)
    {
        var dn = new X500DistinguishedName(name);

        Assert.False(PckCertificateAuthority.TryGetCaType(dn, out _));
        var error = Assert.Throws<AttestationFormatException>(() => PckCertificateAuthority.GetIssuerCaType(dn.RawData));
        Assert.Equal(AttestationFormatErrorReason.InvalidCertificate, error.Reason);
    }

    [Fact]
    public void An_undecodable_issuer_is_an_error_not_a_crash()
    {
        var error = Assert.Throws<AttestationFormatException>(() => PckCertificateAuthority.GetIssuerCaType([0x30, 0x03, 0x31, 0x01]));

        Assert.Equal(AttestationFormatErrorReason.InvalidCertificate, error.Reason);
    }

    [Fact]
    public void The_real_quotes_pck_chain_reads_its_ca_through_the_classifier()
    {
        PckCertificateChain chain = Quote.Parse(QuoteVectors.SgxV3).SignatureData.PckCertificateChain;

        Assert.Equal(PckCaType.Processor, chain.CaType);
        Assert.Equal(chain.CaType, PckCertificateAuthority.GetIssuerCaType(chain.Leaf.IssuerName.RawData));
    }
}
