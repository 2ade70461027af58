using BenchmarkDotNet.Attributes;

using BlindAI.Attestation.Quotes;
using BlindAI.Testing;

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

    /// <summary>Loads the quotes from tests/TestData.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _sgxQuote = File.ReadAllBytes(TestPaths.TestData("dcap", "phala-dcap-qvl", "sgx_quote"));
        _tdxQuote = File.ReadAllBytes(TestPaths.TestData("dcap", "phala-dcap-qvl", "tdx_quote"));
    }

    /// <summary>Parses the SGX v3 quote.</summary>
    [Benchmark(Baseline = true)]
    public Quote ParseSgxV3() => Quote.Parse(_sgxQuote);

    /// <summary>Parses the TDX v4 quote.</summary>
    [Benchmark]
    public Quote ParseTdxV4() => Quote.Parse(_tdxQuote);
}
