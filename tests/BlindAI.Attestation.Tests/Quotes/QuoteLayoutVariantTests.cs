using BlindAI.Attestation.Quotes;

namespace BlindAI.Attestation.Tests.Quotes;

/// <summary>The layouts with no real vector (SGX body in v4/v5, TD report 1.0 in v5), built by re-framing real quotes.</summary>
public sealed class QuoteLayoutVariantTests
{
    [Fact]
    public void Sgx_body_in_a_v4_quote_parses_with_the_type_6_wrapper()
    {
        Quote original = Quote.Parse(QuoteVectors.SgxV3);
        byte[] data = QuoteRewriter.SgxV3AsV4(QuoteVectors.SgxV3, asV5: false);

        Quote quote = Quote.Parse(data);

        Assert.Equal(4, quote.Version);
        Assert.Equal(TeeType.Sgx, quote.TeeType);
        Assert.Equal(QuoteBodyType.SgxEnclaveReport, quote.BodyType);
        Assert.Equal(original.SgxReport!.MrEnclave, quote.SgxReport!.MrEnclave);
        Assert.Equal(CertificationDataType.QeReportCertificationData, quote.SignatureData.CertificationDataType);
        Assert.Equal(original.SignatureData.QeReport.Raw.ToArray(), quote.SignatureData.QeReport.Raw.ToArray());
        Assert.Equal(original.SignatureData.QeAuthenticationData.Data.ToArray(), quote.SignatureData.QeAuthenticationData.Data.ToArray());
        Assert.Equal(original.SignatureData.PckCertificateChain.Pem, quote.SignatureData.PckCertificateChain.Pem);
        Assert.Equal(data.Length, quote.Bytes.Length);
        Assert.Equal(data[..(48 + 384)], quote.SignedRegion.ToArray());
    }

    [Fact]
    public void Sgx_body_type_1_in_a_v5_quote_parses_and_its_descriptor_is_signed()
    {
        byte[] data = QuoteRewriter.SgxV3AsV4(QuoteVectors.SgxV3, asV5: true);

        Quote quote = Quote.Parse(data);

        Assert.Equal(5, quote.Version);
        Assert.Equal(QuoteBodyType.SgxEnclaveReport, quote.BodyType);
        Assert.Equal(VerificationMrEnclave, quote.SgxReport!.MrEnclave.ToString());
        Assert.Equal(data[..(48 + 6 + 384)], quote.SignedRegion.ToArray());
    }

    [Fact]
    public void Td_report_10_body_type_2_in_a_v5_quote_parses()
    {
        Quote original = Quote.Parse(QuoteVectors.TdxV4);
        byte[] data = QuoteRewriter.TdxV4AsV5(QuoteVectors.TdxV4);

        Quote quote = Quote.Parse(data);

        Assert.Equal(5, quote.Version);
        Assert.Equal(QuoteBodyType.TdReport10, quote.BodyType);
        Assert.Equal(original.TdReport!.MrTd, quote.TdReport!.MrTd);
        Assert.Null(quote.TdReport.MrServiceTd);
        Assert.Equal(data[..(48 + 6 + 584)], quote.SignedRegion.ToArray());
    }

    [Fact]
    public void Truncating_the_reframed_quotes_at_every_length_is_a_typed_truncation()
    {
        foreach (byte[] data in new[] { QuoteRewriter.SgxV3AsV4(QuoteVectors.SgxV3, false), QuoteRewriter.SgxV3AsV4(QuoteVectors.SgxV3, true), QuoteRewriter.TdxV4AsV5(QuoteVectors.TdxV4) })
        {
            int quoteLength = Quote.Parse(data).Bytes.Length; // the TDX file's zero padding is carried over
            for (int length = 0; length < quoteLength; length++)
            {
                Assert.Equal(AttestationFormatErrorReason.Truncated, Assert.Throws<AttestationFormatException>(() => Quote.Parse(data.AsSpan(0, length))).Reason);
            }
        }
    }

    private const string VerificationMrEnclave = "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb";
}
