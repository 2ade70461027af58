using System.Security.Cryptography;

using BlindAI.Attestation.Quotes;

namespace BlindAI.Attestation.Tests.Quotes;

/// <summary>Every real quote in the shared test data parses to what its README states.</summary>
public sealed class QuoteVectorTests
{
    [Fact]
    public void Sgx_v3_quote_exposes_the_identity_the_readme_states()
    {
        Quote quote = Quote.Parse(QuoteVectors.SgxV3);

        Assert.Equal(3, quote.Version);
        Assert.Equal(TeeType.Sgx, quote.TeeType);
        Assert.Equal(QuoteBodyType.SgxEnclaveReport, quote.BodyType);
        Assert.Null(quote.TdReport);
        Assert.Equal(10, quote.Header.QeSvn);
        Assert.Equal(15, quote.Header.PceSvn);
        SgxReportBody body = Assert.IsType<SgxReportBody>(quote.SgxReport);
        Assert.Equal("33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb", body.MrEnclave.ToString());
        Assert.Equal("815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6", body.MrSigner.ToString());
        Assert.Equal(0, body.IsvProdId);
        Assert.Equal(0, body.IsvSvn);
        Assert.Equal("0500000000000000e700000000000000", body.Attributes.ToString());
        Assert.Equal(0x5UL, body.AttributeFlags);
        Assert.Equal(0xe7UL, body.Xfrm);
        Assert.False(body.IsDebug);
        Assert.False(quote.IsDebug);
        Assert.Equal("Hello, world!"u8.ToArray().Concat(new byte[64 - 13]).ToArray(), body.ReportData.ToArray());
        Assert.Equal(10, quote.SignatureData.QeReport.IsvSvn);
        Assert.Equal(CertificationDataType.PckCertificateChain, quote.SignatureData.CertificationDataType);
    }

    [Fact]
    public void Sgx_v3_quote_bytes_and_signed_region_are_exact()
    {
        byte[] data = QuoteVectors.SgxV3;
        Quote quote = Quote.Parse(data);

        Assert.Equal(data, quote.Bytes.ToArray());
        Assert.Equal(data[..(48 + 384)], quote.SignedRegion.ToArray());
    }

    [Fact]
    public void Tdx_v4_quote_exposes_the_td_report()
    {
        Quote quote = Quote.Parse(QuoteVectors.TdxV4);

        Assert.Equal(4, quote.Version);
        Assert.Equal(TeeType.Tdx, quote.TeeType);
        Assert.Equal(QuoteBodyType.TdReport10, quote.BodyType);
        TdReportBody td = Assert.IsType<TdReportBody>(quote.TdReport);
        Assert.Equal("06010300000000000000000000000000", td.TeeTcbSvn.ToString());
        Assert.StartsWith("91eb2b44", td.MrTd.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("8873118b7", td.MrTd.ToString(), StringComparison.Ordinal);
        Assert.Equal(4, td.Rtmrs.Count);
        Assert.Null(td.TeeTcbSvn2);
        Assert.Null(td.MrServiceTd);
        Assert.False(td.IsDebug);
        Assert.Equal(6, quote.SignatureData.QeReport.IsvSvn);
        Assert.Equal(CertificationDataType.QeReportCertificationData, quote.SignatureData.CertificationDataType);
        // The file is 5006 bytes: the quote ends at 4936 and zero padding follows.
        Assert.Equal(4936, quote.Bytes.Length);
        Assert.Equal(48 + 584, quote.SignedRegion.Length);
    }

    [Fact]
    public void Tdx_v5_quote_with_td_report_15_exposes_the_extra_fields_and_the_body_descriptor_is_signed()
    {
        byte[] data = QuoteVectors.TdxV5Outdated;
        Quote quote = Quote.Parse(data);

        Assert.Equal(5, quote.Version);
        Assert.Equal(QuoteBodyType.TdReport15, quote.BodyType);
        TdReportBody td = Assert.IsType<TdReportBody>(quote.TdReport);
        Assert.Equal(648, td.Raw.Length);
        Assert.StartsWith("07010300", td.TeeTcbSvn.ToString(), StringComparison.Ordinal);
        Assert.Equal(16, td.TeeTcbSvn2!.Value.Length);
        Assert.Equal(48, td.MrServiceTd!.Value.Length);
        Assert.Equal(data[..(48 + 6 + 648)], quote.SignedRegion.ToArray());
        Assert.Equal(data[(48 + 6 + 584)..(48 + 6 + 600)], td.TeeTcbSvn2.Value.ToArray());
    }

    [Theory]
    [InlineData("tdx-quote.hex")]
    [InlineData("quote-from-tappd.hex")]
    public void Hex_tdx_quotes_parse_as_v4_td_reports(string name)
    {
        Quote quote = Quote.Parse(QuoteVectors.ByName(name));

        Assert.Equal(4, quote.Version);
        Assert.Equal(TeeType.Tdx, quote.TeeType);
        Assert.NotNull(quote.SignatureData.PckCertificateChain.Leaf);
    }

    [Fact]
    public void Automata_sgx_v3_quote_exposes_the_identity_the_readme_states()
    {
        Quote quote = Quote.Parse(QuoteVectors.AutomataSgxV3);

        Assert.Equal(3, quote.Version);
        Assert.Equal(9, quote.Header.QeSvn);
        Assert.Equal(14, quote.Header.PceSvn);
        Assert.Equal("a4f45c39dac622cb1dd32ddb35a52ec92db41d0fa88a1c911c49e59c534f61cd", quote.SgxReport!.MrEnclave.ToString());
        Assert.Equal("1bda23eb3a807dfe735ddcebbfa2eac05e04a00df2804296612f770b594180ba", quote.SgxReport.MrSigner.ToString());
        Assert.True(quote.ReportData.IsZero);
    }

    [Fact]
    public void Zero_padded_tdx_quote_stops_at_the_end_of_the_certification_data()
    {
        byte[] data = QuoteVectors.AutomataTdxV4Padded;
        Quote quote = Quote.Parse(data);

        Assert.Equal(8000, data.Length);
        Assert.True(quote.Bytes.Length < data.Length);
        Assert.All(data[quote.Bytes.Length..], b => Assert.Equal(0, b));
        Assert.Equal(data[..quote.Bytes.Length], quote.Bytes.ToArray());
        Assert.Equal("935be7742dd89c6a4df6dba8353d89041ae0f052beef993b1e7f4524d3bc57650df20e5582158352e1240b3f1fed55d8", quote.TdReport!.MrTd.ToString());
        Assert.Equal("04010700000000000000000000000000", quote.TdReport.TeeTcbSvn.ToString());
    }

    [Fact]
    public void Legacy_quote_with_encrypted_ppid_certification_data_is_rejected_as_unsupported()
    {
        byte[] data = QuoteVectors.LegacyPpidRsa3072;

        var ex = Assert.Throws<AttestationFormatException>(() => Quote.Parse(data));

        Assert.Equal(AttestationFormatErrorReason.UnsupportedCertificationDataType, ex.Reason);
        Assert.Contains("type 3", ex.Message, StringComparison.Ordinal);
        // The type field sits after header, body, signature length, signature, key, QE report, its signature and auth data.
        Assert.True(ex.Offset > 48 + 384 + 4 + 64 + 64 + 384 + 64);
        Assert.False(Quote.TryParse(data, out Quote? quote));
        Assert.Null(quote);
    }

    [Theory]
    [MemberData(nameof(QuoteVectors.ParsableNames), MemberType = typeof(QuoteVectors))]
    public void Every_real_quote_has_a_decodable_three_certificate_pck_chain(string name)
    {
        Quote quote = Quote.Parse(QuoteVectors.ByName(name));
        var chain = quote.SignatureData.PckCertificateChain;

        Assert.Contains("CN=Intel SGX PCK Certificate", chain.Leaf.Subject, StringComparison.Ordinal);
        Assert.Equal(chain.Leaf.Issuer, chain.Intermediate.Subject);
        Assert.Equal("44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3", Convert.ToHexStringLower(SHA256.HashData(chain.RootDer.Span)));
        Assert.DoesNotContain('\0', chain.Pem);
    }

    [Theory]
    [MemberData(nameof(QuoteVectors.ParsableNames), MemberType = typeof(QuoteVectors))]
    public void Every_real_quote_has_a_usable_attestation_key(string name)
    {
        Quote quote = Quote.Parse(QuoteVectors.ByName(name));

        using ECDsa key = quote.SignatureData.AttestationKey.CreateEcdsa();

        Assert.Equal(256, key.KeySize);
    }

    [Fact]
    public void TryParse_returns_the_quote_for_valid_input()
    {
        Assert.True(Quote.TryParse(QuoteVectors.TdxV4, out Quote? quote));
        Assert.Equal(4, quote.Version);
    }
}
