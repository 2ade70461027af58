using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Enclave.Simulation;
using BlindAI.Testing;

namespace BlindAI.Enclave.Tests.Simulation;

public sealed class SimulatedTeePlatformPkiTests : IClassFixture<SimulatedPlatformFixture>
{
    private readonly SimulatedTeePlatform _platform;

    public SimulatedTeePlatformPkiTests(SimulatedPlatformFixture fixture) => _platform = fixture.Platform;

    [Fact]
    public void Root_says_plainly_it_is_a_simulation_and_not_intel()
    {
        string subject = _platform.RootCertificate.Subject;
        Assert.Contains("Simulation", subject, StringComparison.Ordinal);
        Assert.Contains("NOT Intel", subject, StringComparison.Ordinal);
        Assert.DoesNotContain("O=Intel", subject, StringComparison.Ordinal);
        Assert.Equal(_platform.RootCertificate.Subject, _platform.RootCertificate.Issuer);
    }

    [Fact]
    public void Pck_and_tcb_signing_chains_build_to_the_simulation_root_only_when_it_is_trusted()
    {
        foreach (X509Certificate2 leaf in new[] { _platform.PckCertificate, _platform.TcbSigningCertificate })
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(_platform.RootCertificate);
            chain.ChainPolicy.ExtraStore.Add(_platform.PckPlatformCaCertificate);
            Assert.True(chain.Build(leaf), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));

            using var untrusted = new X509Chain();
            untrusted.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            untrusted.ChainPolicy.ExtraStore.Add(_platform.PckPlatformCaCertificate);
            untrusted.ChainPolicy.ExtraStore.Add(_platform.RootCertificate);
            Assert.False(untrusted.Build(leaf));
        }

        Assert.Equal(_platform.PckPlatformCaCertificate.Subject, _platform.PckCertificate.Issuer);
        Assert.Contains("PCK Platform CA", _platform.PckPlatformCaCertificate.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void Pck_extension_holds_the_platform_values()
    {
        var entries = SgxExtensionReader.Read(_platform.PckCertificate).ToDictionary(e => e.Oid, e => e.Value);
        SimulatedPlatformTcb tcb = _platform.Options.Platform;
        Assert.Equal(Convert.ToHexStringLower(tcb.Fmspc.Span), entries[SgxExtensionReader.Oid + ".4"]);
        Assert.Equal(Convert.ToHexStringLower(tcb.PceId.Span), entries[SgxExtensionReader.Oid + ".3"]);
        for (int i = 0; i < 16; i++)
        {
            Assert.Equal((int)tcb.SgxTcbComponents.Span[i], entries[$"{SgxExtensionReader.Oid}.2.{i + 1}"]);
        }

        Assert.Equal((int)tcb.PceSvn, entries[SgxExtensionReader.Oid + ".2.17"]);
        Assert.Equal(Convert.ToHexStringLower(tcb.CpuSvn.Span), entries[SgxExtensionReader.Oid + ".2.18"]);
        Assert.Equal("ENUM:1", entries[SgxExtensionReader.Oid + ".5"]);
        Assert.Equal(32, ((string)entries[SgxExtensionReader.Oid + ".1"]).Length);
    }

    [Fact]
    public void Pck_extension_has_the_same_shape_as_a_real_intel_pck_certificate()
    {
        X509Certificate2Collection real = [];
        real.ImportFromPemFile(TestPaths.TestData("dcap", "automata-dcap-rs", "pck_certchain.pem"));
        var intel = SgxExtensionReader.Read(real[0]).Select(e => (e.Oid, Kind: Kind(e.Value))).ToList();
        var ours = SgxExtensionReader.Read(_platform.PckCertificate).Select(e => (e.Oid, Kind: Kind(e.Value))).ToList();
        Assert.Equal(intel, ours);

        static string Kind(object value) => value switch
        {
            string s when s.StartsWith("ENUM", StringComparison.Ordinal) => "enum",
            string s when s == "SEQUENCE" => "sequence",
            string s => "octets" + s.Length,
            int => "int",
            bool => "bool",
            _ => "?",
        };
    }

    [Fact]
    public void Pck_leaf_has_intels_key_usage_and_constraints()
    {
        X509Certificate2 pck = _platform.PckCertificate;
        var usage = pck.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.True(usage.Critical);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, usage.KeyUsages);
        var constraints = pck.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.False(constraints.CertificateAuthority);
        Assert.Equal(20, pck.SerialNumberBytes.Length);
        Assert.Equal("1.2.840.10045.4.3.2", pck.SignatureAlgorithm.Value);
    }

    [Fact]
    public void Root_crl_and_pck_crl_are_signed_by_their_issuers()
    {
        SimulatedCollateral collateral = _platform.CreateCollateral();
        AssertCrlSignedBy(collateral.RootCaCrl.ToArray(), _platform.RootCertificate);
        AssertCrlSignedBy(collateral.PckCrl.ToArray(), _platform.PckPlatformCaCertificate);
    }

    [Fact]
    public void Pck_crl_lists_the_pck_only_when_asked()
    {
        byte[] clean = _platform.CreateCollateral().PckCrl.ToArray();
        byte[] revoking = _platform.CreateCollateral(new SimulatedCollateralOptions { RevokePckCertificate = true }).PckCrl.ToArray();
        byte[] serial = _platform.PckCertificate.SerialNumberBytes.ToArray();
        Assert.False(CertificateRevocationListBuilder.Load(clean, out _).RemoveEntry(serial));
        Assert.True(CertificateRevocationListBuilder.Load(revoking, out BigInteger number).RemoveEntry(serial));
        Assert.Equal(BigInteger.One, number);
    }

    [Fact]
    public void Root_crl_can_revoke_the_intermediates()
    {
        byte[] crl = _platform.CreateCollateral(new SimulatedCollateralOptions { RevokePckPlatformCa = true, RevokeTcbSigningCertificate = true }).RootCaCrl.ToArray();
        CertificateRevocationListBuilder loaded = CertificateRevocationListBuilder.Load(crl, out _);
        Assert.True(loaded.RemoveEntry(_platform.PckPlatformCaCertificate.SerialNumberBytes.Span));
        Assert.True(loaded.RemoveEntry(_platform.TcbSigningCertificate.SerialNumberBytes.Span));
    }

    private static void AssertCrlSignedBy(byte[] crl, X509Certificate2 issuer)
    {
        var reader = new AsnReader(crl, AsnEncodingRules.DER).ReadSequence();
        ReadOnlyMemory<byte> tbs = reader.ReadEncodedValue();
        reader.ReadSequence();
        byte[] signature = reader.ReadBitString(out _);
        using ECDsa key = issuer.GetECDsaPublicKey()!;
        Assert.True(key.VerifyData(tbs.Span, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        var tbsReader = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
        Assert.Equal(1, (int)tbsReader.ReadInteger());
        tbsReader.ReadSequence();
        Assert.Equal(issuer.SubjectName.RawData, tbsReader.ReadEncodedValue().ToArray());
    }
}
