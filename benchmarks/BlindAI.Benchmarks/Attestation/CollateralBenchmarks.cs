using System.Security.Cryptography.X509Certificates;
using System.Text;

using BenchmarkDotNet.Attributes;

using BlindAI.Attestation.Collateral;
using BlindAI.Testing;

namespace BlindAI.Benchmarks.Attestation;

/// <summary>
/// Collateral costs for phala-dcap-qvl/sgx_quote: parsing the dcap-qvl bundle, verifying it cold (parse + chains +
/// CRLs + signatures), and validating the quote's PCK chain cold (fresh verified collateral) and warm (cached).
/// </summary>
[MemoryDiagnoser]
public class CollateralBenchmarks
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1752919277);

    private byte[] bundle = [];
    private X509Certificate2[] pckChain = [];
    private CollateralVerifier verifier = null!;
    private VerifiedCollateral warm = null!;

    /// <summary>Loads the vectors from tests/TestData.</summary>
    [GlobalSetup]
    public void Setup()
    {
        bundle = File.ReadAllBytes(TestPaths.TestData("dcap", "phala-dcap-qvl", "sgx_quote_collateral.json"));
        var quote = Encoding.Latin1.GetString(File.ReadAllBytes(TestPaths.TestData("dcap", "phala-dcap-qvl", "sgx_quote")));
        var start = quote.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal);
        var end = quote.LastIndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal) + 25;
        pckChain = [.. CertificateChain.Parse(quote[start..end]).Certificates];
        verifier = new CollateralVerifier(TrustAnchor.IntelSgxRootCa);
        warm = verifier.Verify(DcapQvlCollateralJson.Parse(bundle), Now);
        warm.ValidatePckChain(pckChain, Now);
    }

    /// <summary>Reads the bundle: JSON, 2 CRLs, 3 chains (6 certificates), TCB Info, QE Identity.</summary>
    [Benchmark]
    public QuoteCollateral ParseBundle() => QuoteCollateral.FromDcapQvlJson(bundle);

    /// <summary>Parses and verifies the bundle, then validates the quote's PCK chain: the collateral share of a cold verification.</summary>
    [Benchmark]
    public object ParseVerifyAndValidatePckChainCold() =>
        verifier.Verify(DcapQvlCollateralJson.Parse(bundle), Now).ValidatePckChain(pckChain, Now);

    /// <summary>Validates the PCK chain against already verified, cached collateral: the collateral share of a warm verification.</summary>
    [Benchmark]
    public object ValidatePckChainWarm() => warm.ValidatePckChain(pckChain, Now);
}
