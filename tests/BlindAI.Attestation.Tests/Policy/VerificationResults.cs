using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Tests.Quotes;
using BlindAI.Attestation.Verification;

namespace BlindAI.Attestation.Tests.Policy;

/// <summary>
/// Verification results for the real quotes, with the outcome the test data README states for them (the
/// verifier itself lives elsewhere; these are the values it must produce).
/// </summary>
internal static class VerificationResults
{
    public const string SgxMrEnclave = "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb";
    public const string SgxMrSigner = "815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6";

    /// <summary>phala-dcap-qvl/sgx_quote: ConfigurationAndSWHardeningNeeded with two advisories at 2025-07-19T10:01:17Z.</summary>
    public static QuoteVerificationResult Sgx(byte[]? quoteBytes = null) => For(
        Quote.Parse(quoteBytes ?? QuoteVectors.SgxV3),
        TcbStatus.ConfigurationAndSWHardeningNeeded,
        ["INTEL-SA-00289", "INTEL-SA-00615"],
        DateTimeOffset.FromUnixTimeSeconds(1752919277),
        tcbEvaluationDataNumber: 17);

    /// <summary>phala-dcap-qvl/tdx_quote: UpToDate, no advisories, at 2025-07-19T10:00:34Z.</summary>
    public static QuoteVerificationResult Tdx(byte[]? quoteBytes = null) => For(
        Quote.Parse(quoteBytes ?? QuoteVectors.TdxV4),
        TcbStatus.UpToDate,
        [],
        DateTimeOffset.FromUnixTimeSeconds(1752919234),
        tcbEvaluationDataNumber: 17);

    /// <summary>automata-dcap-rs TDX quote: OutOfDate with three advisories at 2025-02-13T04:00:32Z.</summary>
    public static QuoteVerificationResult AutomataTdx() => For(
        Quote.Parse(QuoteVectors.AutomataTdxV4Padded),
        TcbStatus.OutOfDate,
        ["INTEL-SA-00960", "INTEL-SA-00982", "INTEL-SA-00986"],
        DateTimeOffset.FromUnixTimeSeconds(1739419232),
        tcbEvaluationDataNumber: 17);

    /// <summary>
    /// phala-dcap-qvl/tdx_quote_outdated, the only real TD report 1.5 (with MRSERVICETD), as an UpToDate result. The
    /// verifier refuses this quote's TCB (README: no TCB level matches); policy tests use it only for its report body.
    /// </summary>
    public static QuoteVerificationResult TdReport15(byte[]? quoteBytes = null) => For(
        Quote.Parse(quoteBytes ?? QuoteVectors.TdxV5Outdated),
        TcbStatus.UpToDate,
        [],
        DateTimeOffset.FromUnixTimeSeconds(1774003274),
        tcbEvaluationDataNumber: 18);

    private static QuoteVerificationResult For(Quote quote, TcbStatus status, string[] advisories, DateTimeOffset now, int tcbEvaluationDataNumber) => new()
    {
        Quote = quote,
        TcbStatus = status,
        QeTcbStatus = TcbStatus.UpToDate,
        AdvisoryIds = advisories,
        // The README's "now" is one second before the earliest nextUpdate.
        CollateralExpiresAt = now.AddSeconds(1),
        TcbEvaluationDataNumber = tcbEvaluationDataNumber,
        Fmspc = quote.SignatureData.PckCertificateChain.Extensions.Fmspc,
        VerifiedAt = now,
    };
}
