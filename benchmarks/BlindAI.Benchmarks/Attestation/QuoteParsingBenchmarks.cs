using BenchmarkDotNet.Attributes;

using BlindAI.Attestation.Quotes;

namespace BlindAI.Benchmarks.Attestation;

/// <summary>
/// Parsing the real SGX v3 quote (phala-dcap-qvl/sgx_quote, 4600 bytes) and the TDX v4 quote. Target: ≤ 5 µs for
/// the SGX quote. Parsing copies the quote once and decodes the PEM chain; X.509 decoding is deferred.
/// </summary>
[MemoryDiagnoser]
public class QuoteParsingBenchmarks
{
    private byte[] _sgxQuote = [];
    private byte[] _tdxQuote = [];

    /// <summary>Loads the quotes from ../shared/testdata next to the repository.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _sgxQuote = File.ReadAllBytes(TestData("sgx_quote"));
        _tdxQuote = File.ReadAllBytes(TestData("tdx_quote"));
    }

    /// <summary>Parses the SGX v3 quote.</summary>
    [Benchmark(Baseline = true)]
    public Quote ParseSgxV3() => Quote.Parse(_sgxQuote);

    /// <summary>Parses the TDX v4 quote.</summary>
    [Benchmark]
    public Quote ParseTdxV4() => Quote.Parse(_tdxQuote);

    private static string TestData(string name)
    {
        // Walk up from the working directory until the shared folder appears (BenchmarkDotNet runs from bin/).
        for (DirectoryInfo? dir = new(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "testdata", "dcap", "phala-dcap-qvl", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"Cannot find the test quote {name} under a shared/testdata folder above the working directory.", name);
    }
}
