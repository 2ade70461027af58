using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation.RaTls;
using BlindAI.Testing;

namespace BlindAI.Attestation.Tests.RaTls;

/// <summary>Key binding and malformed-evidence cases, on certificates built here around a real SGX v3 quote whose report data is patched.</summary>
public sealed class RaTlsCertificateReaderTests : IDisposable
{
    private const int SgxReportDataOffset = 48 + 320;
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    public void Dispose() => _key.Dispose();

    private static byte[] QuoteWithReportData(ReadOnlySpan<byte> first32)
    {
        byte[] quote = TestPaths.ReadTestData("dcap", "phala-dcap-qvl", "sgx_quote");
        Array.Clear(quote, SgxReportDataOffset, 64);
        first32.CopyTo(quote.AsSpan(SgxReportDataOffset));
        return quote;
    }

    private static byte[] Claims(Action<CborWriter> entries, int count)
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(count);
        entries(writer);
        writer.WriteEndMap();
        return writer.Encode();
    }

    private static byte[] HashEntry(int algorithm, byte[] hash)
    {
        var writer = new CborWriter();
        writer.WriteStartArray(2);
        writer.WriteInt32(algorithm);
        writer.WriteByteString(hash);
        writer.WriteEndArray();
        return writer.Encode();
    }

    private static byte[] PubkeyHashClaims(byte[] spki, int algorithm = 1) => Claims(
        w =>
        {
            w.WriteTextString("pubkey-hash");
            w.WriteByteString(HashEntry(algorithm, algorithm switch { 7 => SHA384.HashData(spki), 8 => SHA512.HashData(spki), _ => SHA256.HashData(spki) }));
        },
        1);

    private static byte[] Evidence(byte[] quote, byte[] claims, ulong tag = 60000)
    {
        var writer = new CborWriter();
        writer.WriteTag((CborTag)tag);
        writer.WriteStartArray(2);
        writer.WriteByteString(quote);
        writer.WriteByteString(claims);
        writer.WriteEndArray();
        return writer.Encode();
    }

    private byte[] Spki => _key.ExportSubjectPublicKeyInfo();

    private byte[] BoundDiceEvidence(int algorithm = 1)
    {
        byte[] claims = PubkeyHashClaims(Spki, algorithm);
        return Evidence(QuoteWithReportData(SHA256.HashData(claims)), claims);
    }

    private X509Certificate2 Certificate(params (string Oid, byte[] Value)[] extensions)
    {
        var request = new CertificateRequest("CN=test", _key, HashAlgorithmName.SHA256);
        foreach ((string oid, byte[] value) in extensions)
        {
            request.CertificateExtensions.Add(new X509Extension(oid, value, critical: false));
        }

        return request.CreateSelfSigned(Now, Now.AddDays(1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    public void Dice_evidence_binding_the_key_is_accepted_with_sha256_384_or_512(int algorithm)
    {
        using X509Certificate2 cert = Certificate((RaTlsOids.DiceTaggedEvidence, BoundDiceEvidence(algorithm)));
        RaTlsEvidence evidence = RaTlsCertificateReader.Read(cert).GetBoundEvidence();
        Assert.True(evidence.BindingVerified);
        Assert.Equal(RaTlsEvidenceFormat.Dice, evidence.Format);
    }

    [Fact]
    public void Legacy_evidence_in_either_encoding_binds_sha256_of_spki()
    {
        byte[] quote = QuoteWithReportData(SHA256.HashData(Spki));
        using X509Certificate2 correct = Certificate((RaTlsOids.LegacySgxQuote, quote));
        using X509Certificate2 gramine = Certificate((RaTlsOids.GramineMisencodedLegacySgxQuote, quote));
        Assert.Equal(RaTlsEvidenceFormat.Legacy, RaTlsCertificateReader.Read(correct).GetBoundEvidence().Format);
        Assert.Equal(RaTlsEvidenceFormat.GramineLegacy, RaTlsCertificateReader.Read(gramine).GetBoundEvidence().Format);
    }

    [Fact]
    public void Evidence_copied_onto_a_certificate_with_another_key_is_rejected()
    {
        byte[] evidence = BoundDiceEvidence();
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var request = new CertificateRequest("CN=thief", otherKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509Extension(RaTlsOids.DiceTaggedEvidence, evidence, false));
        using X509Certificate2 stolen = request.CreateSelfSigned(Now, Now.AddDays(1));

        AssertBindingMismatch(stolen, "pubkey-hash");
    }

    // Found by fuzz/run.sh ratls (AFL id:000000 and id:000001, 10 KB certificates): a pubkey-hash claim whose algorithm
    // is a negative CBOR integer made CborReader.ReadUInt64 throw OverflowException out of the reader. The entry below is
    // the crashing part: array(2) [ -1, bytes(32) ].
    [Fact]
    public void A_negative_pubkey_hash_algorithm_is_a_typed_cbor_error()
    {
        byte[] entry = Convert.FromHexString("82" + "20" + "5820" + Convert.ToHexString(SHA256.HashData(Spki)));
        byte[] claims = Claims(w => { w.WriteTextString("pubkey-hash"); w.WriteByteString(entry); }, 1);
        using X509Certificate2 cert = Certificate((RaTlsOids.DiceTaggedEvidence, Evidence(QuoteWithReportData(SHA256.HashData(claims)), claims)));

        var e = Assert.Throws<AttestationFormatException>(() => RaTlsCertificateReader.Read(cert));
        Assert.Equal(AttestationFormatErrorReason.InvalidCbor, e.Reason);
    }

    [Fact]
    public void Claims_changed_without_a_new_quote_are_rejected()
    {
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        byte[] originalClaims = PubkeyHashClaims(otherKey.ExportSubjectPublicKeyInfo());
        byte[] quote = QuoteWithReportData(SHA256.HashData(originalClaims));
        using X509Certificate2 cert = Certificate((RaTlsOids.DiceTaggedEvidence, Evidence(quote, PubkeyHashClaims(Spki))));

        AssertBindingMismatch(cert, "SHA-256(claims)");
    }

    [Fact]
    public void Dice_evidence_without_a_pubkey_hash_claim_is_rejected()
    {
        byte[] claims = Claims(w => { w.WriteTextString("nonce"); w.WriteByteString(new byte[32]); }, 1);
        using X509Certificate2 cert = Certificate((RaTlsOids.DiceTaggedEvidence, Evidence(QuoteWithReportData(SHA256.HashData(claims)), claims)));

        RaTlsEvidence evidence = Assert.Single(RaTlsCertificateReader.Read(cert).Evidence);
        Assert.Equal(new byte[32], evidence.Nonce!.Value.ToArray());
        AssertBindingMismatch(cert, "no \"pubkey-hash\"");
    }

    [Fact]
    public void An_unknown_hash_algorithm_does_not_bind()
    {
        byte[] claims = Claims(w => { w.WriteTextString("pubkey-hash"); w.WriteByteString(HashEntry(2, SHA256.HashData(Spki))); }, 1);
        using X509Certificate2 cert = Certificate((RaTlsOids.DiceTaggedEvidence, Evidence(QuoteWithReportData(SHA256.HashData(claims)), claims)));
        AssertBindingMismatch(cert, "hash algorithm 2");
    }

    [Fact]
    public void Bad_dice_evidence_is_not_bypassed_through_a_valid_legacy_quote()
    {
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        byte[] foreignClaims = PubkeyHashClaims(otherKey.ExportSubjectPublicKeyInfo());
        using X509Certificate2 cert = Certificate(
            (RaTlsOids.GramineMisencodedLegacySgxQuote, QuoteWithReportData(SHA256.HashData(Spki))),
            (RaTlsOids.DiceTaggedEvidence, Evidence(QuoteWithReportData(SHA256.HashData(foreignClaims)), foreignClaims)));

        Assert.True(RaTlsCertificateReader.Read(cert).Evidence[0].BindingVerified);
        AssertBindingMismatch(cert, "pubkey-hash");
    }

    [Fact]
    public void A_legacy_quote_with_other_report_data_is_rejected()
    {
        using X509Certificate2 cert = Certificate((RaTlsOids.LegacySgxQuote, QuoteWithReportData(new byte[32])));
        AssertBindingMismatch(cert, "SHA-256(SubjectPublicKeyInfo)");
    }

    [Fact]
    public void The_intel_sdk_form_alone_does_not_bind_the_key()
    {
        using X509Certificate2 cert = Certificate((RaTlsOids.IntelSdkQuote, QuoteWithReportData(SHA256.HashData(Spki))));
        AssertBindingMismatch(cert, "Intel SGX SDK");
    }

    [Fact]
    public void A_certificate_without_evidence_is_evidence_missing()
    {
        using X509Certificate2 cert = Certificate();
        var e = Assert.Throws<AttestationException>(() => RaTlsCertificateReader.ReadBoundQuote(cert));
        Assert.Equal(AttestationFailureReason.EvidenceMissing, e.Reason);
        Assert.Empty(RaTlsCertificateReader.Read(cert).Evidence);
    }

    [Fact]
    public void A_repeated_evidence_extension_is_malformed()
    {
        // CertificateRequest refuses duplicates, so write a sibling OID of the same length and patch its last byte.
        byte[] evidence = BoundDiceEvidence();
        using X509Certificate2 template = Certificate((RaTlsOids.DiceTaggedEvidence, evidence), ("2.23.133.5.4.8", evidence));
        byte[] der = template.RawData;
        byte[] sibling = [0x06, 0x06, 0x67, 0x81, 0x05, 0x05, 0x04, 0x08];
        der[der.AsSpan().IndexOf(sibling) + sibling.Length - 1] = 0x09;
        using X509Certificate2 cert = X509CertificateLoader.LoadCertificate(der);
        var e = Assert.Throws<AttestationFormatException>(() => RaTlsCertificateReader.Read(cert));
        Assert.Equal(AttestationFormatErrorReason.InvalidExtension, e.Reason);
    }

    public static TheoryData<string, byte[]> MalformedDice()
    {
        byte[] quote = QuoteWithReportData(new byte[32]);
        byte[] claims = PubkeyHashClaims(new byte[10]);
        var indefinite = new CborWriter(CborConformanceMode.Lax);
        indefinite.WriteTag((CborTag)60000);
        indefinite.WriteStartArray(null);
        indefinite.WriteByteString(quote);
        indefinite.WriteByteString(claims);
        indefinite.WriteEndArray();
        var three = new CborWriter();
        three.WriteTag((CborTag)60000);
        three.WriteStartArray(3);
        three.WriteByteString(quote);
        three.WriteByteString(claims);
        three.WriteByteString(claims);
        three.WriteEndArray();
        return new TheoryData<string, byte[]>
        {
            { "report tag 60001", Evidence(quote, claims, 60001) },
            { "indefinite array", indefinite.Encode() },
            { "three items", three.Encode() },
            { "trailing bytes", [.. Evidence(quote, claims), 0x00] },
            { "short quote", Evidence(new byte[100], claims) },
            { "claims not a map", Evidence(quote, [0x80]) },
            { "not CBOR", [0xff, 0xff, 0xff] },
            { "empty", [] },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedDice))]
    public void Malformed_dice_evidence_is_a_typed_format_error(string what, byte[] value)
    {
        using X509Certificate2 cert = Certificate((RaTlsOids.DiceTaggedEvidence, value));
        var e = Assert.Throws<AttestationFormatException>(() => RaTlsCertificateReader.Read(cert));
        Assert.True(e.Reason == AttestationFormatErrorReason.InvalidCbor, what);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(47)]
    [InlineData(400)]
    public void A_truncated_legacy_quote_is_a_typed_format_error(int length)
    {
        using X509Certificate2 cert = Certificate((RaTlsOids.LegacySgxQuote, QuoteWithReportData(new byte[32])[..length]));
        var e = Assert.Throws<AttestationFormatException>(() => RaTlsCertificateReader.Read(cert));
        Assert.Equal(AttestationFormatErrorReason.Truncated, e.Reason);
    }

    private static void AssertBindingMismatch(X509Certificate2 cert, string detail)
    {
        var e = Assert.Throws<AttestationException>(() => RaTlsCertificateReader.ReadBoundQuote(cert));
        Assert.Equal(AttestationFailureReason.CertificateBindingMismatch, e.Reason);
        Assert.Equal(VerificationStep.CertificateBinding, e.Step);
        Assert.Contains(detail, e.Message, StringComparison.Ordinal);
    }
}
