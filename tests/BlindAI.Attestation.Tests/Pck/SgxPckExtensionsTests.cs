using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

using BlindAI.Attestation.Pck;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Tests.Quotes;
using BlindAI.Testing;

namespace BlindAI.Attestation.Tests.Pck;

/// <summary>The SGX extension of real PCK certificates reads to the values the test data README states.</summary>
public sealed class SgxPckExtensionsTests
{
    [Fact]
    public void Sgx_quote_leaf_has_the_readme_fmspc_pceid_and_tcb()
    {
        PckCertificateChain chain = Quote.Parse(QuoteVectors.SgxV3).SignatureData.PckCertificateChain;
        SgxPckExtensions ext = chain.Extensions;

        Assert.Equal("00a067110000", ext.Fmspc.ToString());
        Assert.Equal("0000", ext.PceId.ToString());
        Assert.Equal(new byte[] { 11, 11, 2, 2, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, ext.Tcb.SgxTcbComponents);
        Assert.Equal(13, ext.Tcb.PceSvn);
        Assert.Equal(16, ext.Tcb.CpuSvn.Length);
        Assert.Equal(16, ext.Ppid.Length);
        Assert.Equal(PckCaType.Processor == chain.CaType ? "Intel SGX PCK Processor CA" : "Intel SGX PCK Platform CA", CommonName(chain.Intermediate));
    }

    [Fact]
    public void Automata_sgx_v3_leaf_has_the_readme_fmspc_and_tcb()
    {
        SgxPckExtensions ext = Quote.Parse(QuoteVectors.AutomataSgxV3).SignatureData.PckCertificateChain.Extensions;

        Assert.Equal("00606a000000", ext.Fmspc.ToString());
        Assert.Equal(new byte[] { 12, 12, 3, 3, 255, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, ext.Tcb.SgxTcbComponents);
        Assert.Equal(13, ext.Tcb.PceSvn);
    }

    [Theory]
    [InlineData("tdx_quote", "b0c06f000000")]
    [InlineData("tdx_quote_outdated", "90c06f000000")]
    [InlineData("automata_tdx_v4_padded", "00806f050000")]
    public void Tdx_quote_leaves_have_the_readme_fmspc(string name, string fmspc)
    {
        Assert.Equal(fmspc, Quote.Parse(QuoteVectors.ByName(name)).SignatureData.PckCertificateChain.Extensions.Fmspc.ToString());
    }

    [Fact]
    public void Outdated_tdx_leaf_has_sgx_component_8_below_every_tcb_level()
    {
        SgxPckExtensions ext = Quote.Parse(QuoteVectors.TdxV5Outdated).SignatureData.PckCertificateChain.Extensions;

        Assert.Equal(3, ext.Tcb.SgxTcbComponents[7]);
        Assert.Equal(13, ext.Tcb.PceSvn);
    }

    [Fact]
    public void Platform_ca_leaf_carries_the_platform_only_members()
    {
        // Values cross-checked with `openssl asn1parse` of the leaf of automata-dcap-rs/pck_certchain.pem.
        string pem = File.ReadAllText(TestPaths.TestData("dcap", "automata-dcap-rs", "pck_certchain.pem"));
        PckCertificateChain chain = PckCertificateChain.Parse(pem);
        SgxPckExtensions ext = chain.Extensions;

        Assert.Equal(PckCaType.Platform, chain.CaType);
        Assert.Equal("25f8e1da4fe822d04f0ff15025931f49", ext.Ppid.ToString());
        Assert.Equal(new byte[] { 12, 12, 3, 3, 255, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, ext.Tcb.SgxTcbComponents);
        Assert.Equal(13, ext.Tcb.PceSvn);
        Assert.Equal("0c0c0303ffff01000000000000000000", ext.Tcb.CpuSvn.ToString());
        Assert.Equal("0000", ext.PceId.ToString());
        Assert.Equal("00606a000000", ext.Fmspc.ToString());
        Assert.Equal(SgxType.Scalable, ext.SgxType);
        Assert.Equal("1135c40890aedf44eb6e02d58424229e", ext.PlatformInstanceId.ToString());
        PckPlatformConfiguration configuration = Assert.IsType<PckPlatformConfiguration>(ext.Configuration);
        Assert.True(configuration.DynamicPlatform);
        Assert.False(configuration.CachedKeys);
        Assert.False(configuration.SmtEnabled);
    }

    [Fact]
    public void Members_are_found_by_oid_whatever_their_order()
    {
        byte[] original = RealExtensionValue();
        byte[] reversed = Rewrite(original, members => members.AsEnumerable().Reverse());

        SgxPckExtensions a = SgxPckExtensions.Parse(original);
        SgxPckExtensions b = SgxPckExtensions.Parse(reversed);

        Assert.Equal(a.Fmspc, b.Fmspc);
        Assert.Equal(a.Tcb.SgxTcbComponents, b.Tcb.SgxTcbComponents);
        Assert.Equal(a.Tcb.PceSvn, b.Tcb.PceSvn);
    }

    [Fact]
    public void A_missing_fmspc_is_a_missing_field()
    {
        byte[] value = Rewrite(RealExtensionValue(), members => members.Where(m => Oid(m) != "1.2.840.113741.1.13.1.4"));

        var ex = Assert.Throws<AttestationFormatException>(() => SgxPckExtensions.Parse(value));

        Assert.Equal(AttestationFormatErrorReason.MissingField, ex.Reason);
        Assert.Contains("FMSPC", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicated_member_is_rejected()
    {
        byte[] value = Rewrite(RealExtensionValue(), members => members.Concat(members.Where(m => Oid(m) == "1.2.840.113741.1.13.1.4")));

        Assert.Equal(AttestationFormatErrorReason.InvalidExtension, Assert.Throws<AttestationFormatException>(() => SgxPckExtensions.Parse(value)).Reason);
    }

    [Fact]
    public void Truncated_or_garbage_der_is_an_invalid_extension_never_another_exception()
    {
        byte[] value = RealExtensionValue();
        for (int length = 0; length < value.Length; length++)
        {
            var ex = Assert.Throws<AttestationFormatException>(() => SgxPckExtensions.Parse(value.AsSpan(0, length)));
            Assert.True(ex.Reason is AttestationFormatErrorReason.InvalidExtension or AttestationFormatErrorReason.MissingField, ex.Reason.ToString());
        }

        Assert.False(SgxPckExtensions.TryParse([0x30, 0x03, 0x01, 0x01, 0xff], out _));
    }

    [Fact]
    public void A_certificate_without_the_sgx_extension_is_a_missing_field()
    {
        using X509Certificate2 root = X509CertificateLoader.LoadCertificate(TestPaths.ReadTestData("dcap", "phala-dcap-qvl", "TrustedRootCA.der"));

        Assert.Equal(AttestationFormatErrorReason.MissingField, Assert.Throws<AttestationFormatException>(() => SgxPckExtensions.FromCertificate(root)).Reason);
        Assert.Equal(AttestationFormatErrorReason.InvalidCertificate, Assert.Throws<AttestationFormatException>(() => PckCertificateAuthority.GetIssuerCaType(root.IssuerName.RawData)).Reason);
    }

    private static byte[] RealExtensionValue()
    {
        X509Certificate2 leaf = Quote.Parse(QuoteVectors.SgxV3).SignatureData.PckCertificateChain.Leaf;
        return leaf.Extensions.Single(e => e.Oid?.Value == SgxPckExtensions.ExtensionOid).RawData;
    }

    /// <summary>Re-encodes the outer SEQUENCE with its members transformed (each member kept as its exact DER).</summary>
    private static byte[] Rewrite(byte[] value, Func<List<byte[]>, IEnumerable<byte[]>> transform)
    {
        AsnReader sequence = new AsnReader(value, AsnEncodingRules.DER).ReadSequence();
        var members = new List<byte[]>();
        while (sequence.HasData)
        {
            members.Add(sequence.ReadEncodedValue().ToArray());
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (byte[] member in transform(members))
            {
                writer.WriteEncodedValue(member);
            }
        }

        return writer.Encode();
    }

    private static string Oid(byte[] member) => new AsnReader(member, AsnEncodingRules.DER).ReadSequence().ReadObjectIdentifier();

    private static string CommonName(X509Certificate2 certificate) => certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
}
