using BlindAI.Attestation.RaTls;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.RaTls;
using BlindAI.Enclave.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace BlindAI.Enclave.Tests.RaTls;

public sealed class RaTlsCertificateBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static async Task<(RaTlsCertificate Certificate, RecordingQuoteProvider Provider)> BuildAsync(RaTlsCertificateOptions? options = null, int quoteLength = 4600)
    {
        var provider = new RecordingQuoteProvider(quoteLength);
        var builder = new RaTlsCertificateBuilder(provider, new FakeTimeProvider(Now));
        return (await builder.BuildAsync(options ?? new RaTlsCertificateOptions(), CancellationToken.None), provider);
    }

    [Fact]
    public async Task Certificate_passes_gramines_dice_checks_and_binds_the_public_key()
    {
        (RaTlsCertificate cert, _) = await BuildAsync();
        using (cert)
        {
            byte[] spki = cert.Certificate.PublicKey.ExportSubjectPublicKeyInfo();
            byte[]? evidence = GramineRaTlsChecks.FindEvidence(cert.Certificate.RawData, GramineRaTlsChecks.DiceOidTlv, out string? failure);
            Assert.True(evidence is not null, failure);
            byte[] quote = GramineRaTlsChecks.CheckDiceEvidence(evidence, spki);
            Assert.Equal(cert.DiceQuote!.Value.ToArray(), quote);
            Assert.Equal(SHA256.HashData(spki), cert.PublicKeySha256.ToArray());
        }
    }

    [Fact]
    public async Task Legacy_extension_passes_gramines_checks_and_carries_sha256_of_spki()
    {
        (RaTlsCertificate cert, _) = await BuildAsync();
        using (cert)
        {
            byte[] spki = cert.Certificate.PublicKey.ExportSubjectPublicKeyInfo();
            byte[]? quote = GramineRaTlsChecks.FindEvidence(cert.Certificate.RawData, GramineRaTlsChecks.LegacyOidTlv, out string? failure);
            Assert.True(quote is not null, failure);
            Assert.Equal(SHA256.HashData(spki), quote.AsSpan(GramineRaTlsChecks.ReportDataOffset, 32).ToArray());
            Assert.Equal(new byte[32], quote.AsSpan(GramineRaTlsChecks.ReportDataOffset + 32, 32).ToArray());
        }
    }

    [Fact]
    public async Task Evidence_extensions_are_non_critical_and_the_legacy_oid_is_correctly_encoded()
    {
        (RaTlsCertificate cert, _) = await BuildAsync();
        using (cert)
        {
            X509Extension dice = cert.Certificate.Extensions[RaTlsOids.DiceTaggedEvidence]!;
            X509Extension legacy = cert.Certificate.Extensions[RaTlsOids.LegacySgxQuote]!;
            Assert.NotNull(dice);
            Assert.NotNull(legacy);
            Assert.False(dice.Critical);
            Assert.False(legacy.Critical);
            Assert.DoesNotContain(cert.Certificate.Extensions.Cast<X509Extension>(), e => e.Oid?.Value == "0.6.9.42.840.113741.1337.6");
        }
    }

    [Fact]
    public async Task Asks_for_one_quote_per_evidence_form_with_the_right_report_data()
    {
        (RaTlsCertificate cert, RecordingQuoteProvider provider) = await BuildAsync();
        using (cert)
        {
            Assert.Equal(2, provider.Requests.Count);
            Assert.Equal(cert.PublicKeySha256.ToArray(), provider.Requests[1][..32]);
            Assert.NotEqual(provider.Requests[0][..32], provider.Requests[1][..32]);
            Assert.All(provider.Requests, r => Assert.Equal(new byte[32], r[32..]));
        }
    }

    [Fact]
    public async Task Has_san_blindai_srv_plus_configured_names_and_the_configured_validity()
    {
        var options = new RaTlsCertificateOptions { AdditionalDnsNames = ["inference.example", "blindai-srv"], Validity = TimeSpan.FromDays(7) };
        (RaTlsCertificate cert, _) = await BuildAsync(options);
        using (cert)
        {
            var san = cert.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
            Assert.Equal(["blindai-srv", "inference.example"], san.EnumerateDnsNames().ToArray());
            Assert.Equal(Now.AddHours(-1).UtcDateTime, cert.Certificate.NotBefore.ToUniversalTime());
            Assert.Equal(Now.AddDays(7).UtcDateTime, cert.Certificate.NotAfter.ToUniversalTime());
            Assert.True(cert.Certificate.HasPrivateKey);
            Assert.Equal(cert.Certificate.SubjectName.RawData, cert.Certificate.IssuerName.RawData);
        }
    }

    [Theory]
    [InlineData(256, "1.2.840.10045.4.3.2")]
    [InlineData(384, "1.2.840.10045.4.3.3")]
    public async Task Uses_the_requested_key_type_and_a_valid_self_signature(int keySize, string signatureOid)
    {
        (RaTlsCertificate cert, _) = await BuildAsync(new RaTlsCertificateOptions { KeySize = keySize });
        using (cert)
        {
            using ECDsa key = cert.Certificate.GetECDsaPublicKey()!;
            Assert.Equal(keySize, key.KeySize);
            Assert.Equal(signatureOid, cert.Certificate.SignatureAlgorithm.Value);
            using var chain = new X509Chain();
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(cert.Certificate);
            chain.ChainPolicy.VerificationTime = Now.UtcDateTime;
            Assert.True(chain.Build(cert.Certificate));
        }
    }

    [Fact]
    public async Task Each_evidence_form_can_be_turned_off()
    {
        (RaTlsCertificate diceOnly, RecordingQuoteProvider p1) = await BuildAsync(new RaTlsCertificateOptions { IncludeLegacyEvidence = false });
        (RaTlsCertificate legacyOnly, RecordingQuoteProvider p2) = await BuildAsync(new RaTlsCertificateOptions { IncludeDiceEvidence = false });
        using (diceOnly)
        using (legacyOnly)
        {
            Assert.Single(p1.Requests);
            Assert.Single(p2.Requests);
            Assert.Null(diceOnly.Certificate.Extensions[RaTlsOids.LegacySgxQuote]);
            Assert.Null(legacyOnly.Certificate.Extensions[RaTlsOids.DiceTaggedEvidence]);
            Assert.Null(diceOnly.LegacyQuote);
            Assert.Null(legacyOnly.DiceQuote);
        }
    }

    [Fact]
    public async Task Refuses_a_certificate_without_evidence()
    {
        var builder = new RaTlsCertificateBuilder(new RecordingQuoteProvider());
        await Assert.ThrowsAsync<ArgumentException>(() => builder.BuildAsync(new RaTlsCertificateOptions { IncludeDiceEvidence = false, IncludeLegacyEvidence = false }, CancellationToken.None));
    }

    [Theory]
    [InlineData(224)]
    [InlineData(521)]
    public async Task Refuses_a_key_size_gramine_does_not_verify_before_asking_for_a_quote(int keySize)
    {
        var quotes = new RecordingQuoteProvider();
        var builder = new RaTlsCertificateBuilder(quotes);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => builder.BuildAsync(new RaTlsCertificateOptions { KeySize = keySize }, CancellationToken.None));
        Assert.Empty(quotes.Requests);
    }

    [Fact]
    public async Task Refuses_evidence_larger_than_gramine_accepts()
    {
        var e = await Assert.ThrowsAsync<EvidenceException>(() => BuildAsync(quoteLength: 8200));
        Assert.Equal(EnclaveErrorReason.EvidenceTooLarge, e.Reason);
    }

    [Fact]
    public async Task Gramine_model_rejects_a_critical_evidence_extension()
    {
        // Guards the model itself: the same evidence marked critical must fail the byte checks.
        (RaTlsCertificate cert, _) = await BuildAsync(new RaTlsCertificateOptions { IncludeLegacyEvidence = false });
        using (cert)
        {
            byte[] evidence = cert.Certificate.Extensions[RaTlsOids.DiceTaggedEvidence]!.RawData;
            using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509Extension(RaTlsOids.DiceTaggedEvidence, evidence, critical: true));
            using X509Certificate2 critical = request.CreateSelfSigned(Now, Now.AddDays(1));
            Assert.Null(GramineRaTlsChecks.FindEvidence(critical.RawData, GramineRaTlsChecks.DiceOidTlv, out string? failure));
            Assert.Equal("critical extension", failure);
        }
    }

    [Fact]
    public async Task Dice_claims_are_canonical_cbor_with_only_the_pubkey_hash()
    {
        (RaTlsCertificate cert, _) = await BuildAsync(new RaTlsCertificateOptions { IncludeLegacyEvidence = false });
        using (cert)
        {
            byte[] evidence = cert.Certificate.Extensions[RaTlsOids.DiceTaggedEvidence]!.RawData;
            Assert.Equal([0xD9, 0xEA, 0x60, 0x82, 0x59], evidence[..5]);
            var reader = new AsnReader(cert.Certificate.RawData, AsnEncodingRules.DER);
            Assert.NotNull(reader.ReadSequence());
        }
    }
}
