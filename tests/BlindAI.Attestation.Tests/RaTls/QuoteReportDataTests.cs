using System.Security.Cryptography;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.RaTls;
using BlindAI.Attestation.Tests.Quotes;

namespace BlindAI.Attestation.Tests.RaTls;

/// <summary>The fresh-evidence contract, report_data = SHA-256(SPKI) || nonce, as the enclave writes it and the client checks it.</summary>
public sealed class QuoteReportDataTests
{
    // SGX v3: 48-byte header, report data at offset 320 of the 384-byte report body.
    private const int SgxV3ReportDataOffset = 48 + 320;

    private static readonly byte[] Spki = RandomSpki();
    private static readonly byte[] Nonce = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Report_data_is_the_hash_of_the_key_then_the_nonce()
    {
        byte[] reportData = QuoteReportData.ForFreshEvidence(Spki, Nonce);

        Assert.Equal(64, reportData.Length);
        Assert.Equal(SHA256.HashData(Spki), reportData[..32]);
        Assert.Equal(Nonce, reportData[32..]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void A_nonce_of_another_length_is_refused(int length)
    {
        Assert.Throws<ArgumentException>(() => QuoteReportData.ForFreshEvidence(Spki, new byte[length]));
    }

    [Fact]
    public void A_quote_over_the_contract_passes()
    {
        QuoteReportData.EnsureFreshEvidence(QuoteWith(QuoteReportData.ForFreshEvidence(Spki, Nonce)), Spki, Nonce);
    }

    [Fact]
    public void A_quote_for_another_key_is_a_binding_mismatch()
    {
        Quote quote = QuoteWith(QuoteReportData.ForFreshEvidence(RandomSpki(), Nonce));

        var error = Assert.Throws<AttestationException>(() => QuoteReportData.EnsureFreshEvidence(quote, Spki, Nonce));

        Assert.Equal(AttestationFailureReason.CertificateBindingMismatch, error.Reason);
        Assert.Equal(VerificationStep.CertificateBinding, error.Step);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Spki)), error.Expected);
    }

    [Fact]
    public void A_quote_for_another_nonce_is_a_replay()
    {
        Quote quote = QuoteWith(QuoteReportData.ForFreshEvidence(Spki, RandomNumberGenerator.GetBytes(32)));

        var error = Assert.Throws<AttestationException>(() => QuoteReportData.EnsureFreshEvidence(quote, Spki, Nonce));

        Assert.Equal(AttestationFailureReason.NonceMismatch, error.Reason);
        Assert.Equal(VerificationStep.Freshness, error.Step);
        Assert.Equal(Convert.ToHexStringLower(Nonce), error.Expected);
    }

    [Fact]
    public void A_legacy_quote_with_zeros_after_the_key_hash_is_not_fresh()
    {
        byte[] legacy = new byte[64];
        SHA256.HashData(Spki, legacy);

        var error = Assert.Throws<AttestationException>(() => QuoteReportData.EnsureFreshEvidence(QuoteWith(legacy), Spki, Nonce));

        Assert.Equal(AttestationFailureReason.NonceMismatch, error.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(33)]
    public void A_nonce_of_another_length_never_matches(int length)
    {
        byte[] nonce = new byte[length];
        Quote quote = QuoteWith(QuoteReportData.ForFreshEvidence(Spki, new byte[32]));

        var error = Assert.Throws<AttestationException>(() => QuoteReportData.EnsureFreshEvidence(quote, Spki, nonce));

        Assert.Equal(AttestationFailureReason.NonceMismatch, error.Reason);
    }

    [Fact]
    public void The_report_data_located_from_the_header_is_the_parsed_one()
    {
        byte[] reportData = QuoteReportData.ForFreshEvidence(Spki, Nonce);
        byte[] bytes = QuoteVectors.SgxV3.ToArray();
        reportData.CopyTo(bytes, SgxV3ReportDataOffset);

        Assert.Equal(reportData, QuoteReportData.Locate(bytes).ToArray());
        Assert.Equal(reportData, Quote.Parse(bytes).ReportData.Span.ToArray());
    }

    private static Quote QuoteWith(byte[] reportData)
    {
        // Parsing does not verify the signature: the binding check is all that is exercised here.
        byte[] bytes = QuoteVectors.SgxV3.ToArray();
        reportData.CopyTo(bytes, SgxV3ReportDataOffset);
        return Quote.Parse(bytes);
    }

    private static byte[] RandomSpki()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportSubjectPublicKeyInfo();
    }
}
