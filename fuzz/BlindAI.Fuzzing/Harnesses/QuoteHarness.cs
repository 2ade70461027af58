using BlindAI.Attestation;
using BlindAI.Attestation.Quotes;

namespace BlindAI.Fuzzing.Harnesses;

/// <summary>
/// SGX and TDX quote parsing (header, report bodies, signature data, QE report, certification data and the embedded
/// PCK chain with its SGX extensions). Parse and TryParse must agree.
/// </summary>
internal sealed class QuoteHarness : IHarness
{
    public string Name => "quote";

    public void Initialize()
    {
    }

    public void Execute(ReadOnlyMemory<byte> input)
    {
        bool parsed = Quote.TryParse(input.Span, out _);
        Quote quote;
        try
        {
            quote = Quote.Parse(input.Span);
        }
        catch (AttestationFormatException)
        {
            if (parsed)
            {
                throw new InvalidOperationException("Quote.TryParse accepted an input that Quote.Parse refused.");
            }

            return;
        }

        if (!parsed)
        {
            throw new InvalidOperationException("Quote.TryParse refused an input that Quote.Parse accepted.");
        }

        try
        {
            Touch(quote);
        }
        catch (AttestationFormatException)
        {
            // Certificates are handed to the platform decoder lazily; its refusal must be typed too.
        }
    }

    public IEnumerable<(string Name, byte[] Data)> Seeds(string testData)
    {
        yield return ("sgx_v3", SeedFiles.Read(testData, "dcap", "phala-dcap-qvl", "sgx_quote"));
        yield return ("tdx_v4", SeedFiles.Read(testData, "dcap", "phala-dcap-qvl", "tdx_quote"));
        yield return ("tdx_v5", SeedFiles.Read(testData, "dcap", "phala-dcap-qvl", "tdx_quote_outdated"));
        yield return ("tdx_v4_hex", SeedFiles.ReadHex(testData, "dcap", "phala-dcap-qvl", "tdx-quote.hex"));
        yield return ("tdx_v4_tappd", SeedFiles.ReadHex(testData, "dcap", "phala-dcap-qvl", "quote-from-tappd.hex"));
        yield return ("sgx_v3_automata", SeedFiles.ReadHex(testData, "dcap", "automata-dcap-rs", "quote_sgx_v3_from_lib_rs_test_verifyv3.hex"));
        yield return ("sgx_ppid_rsa3072", SeedFiles.Read(testData, "ratls", "intel-sgx-ra-tls", "quote-ppid-rsa3072.dat"));
    }

    /// <summary>Reads every lazily decoded part, so that their errors surface too.</summary>
    internal static void Touch(Quote quote)
    {
        _ = quote.ReportData;
        _ = quote.IsDebug;
        QuoteSignatureData signature = quote.SignatureData;
        _ = signature.QeReport.ReportData;
        _ = signature.QeAuthenticationData.Data;
        if (signature.CertificationDataType == CertificationDataType.PckCertificateChain)
        {
            var chain = signature.PckCertificateChain;
            _ = chain.Extensions.Fmspc;
            _ = chain.Leaf.SubjectName.Name;
        }
    }
}
