using System.Text;
using BlindAI.Testing;


namespace BlindAI.Attestation.Tests.Quotes;

/// <summary>The real quotes under tests/TestData, decoded from whichever encoding their file uses.</summary>
internal static class QuoteVectors
{
    public static byte[] SgxV3 => Dcap("phala-dcap-qvl", "sgx_quote");

    public static byte[] TdxV4 => Dcap("phala-dcap-qvl", "tdx_quote");

    public static byte[] TdxV5Outdated => Dcap("phala-dcap-qvl", "tdx_quote_outdated");

    public static byte[] TdxV4Hex0x => Hex(TestPaths.TestData("dcap", "phala-dcap-qvl", "tdx-quote.hex"));

    public static byte[] TdxV4FromTappd => Hex(TestPaths.TestData("dcap", "phala-dcap-qvl", "quote-from-tappd.hex"));

    public static byte[] AutomataSgxV3 => Hex(TestPaths.TestData("dcap", "automata-dcap-rs", "quote_sgx_v3_from_lib_rs_test_verifyv3.hex"));

    public static byte[] AutomataTdxV4Padded => Dcap("automata-dcap-rs", "quote_tdx_00806f050000.dat");

    public static byte[] LegacyPpidRsa3072 => TestPaths.ReadTestData("ratls", "intel-sgx-ra-tls", "quote-ppid-rsa3072.dat");

    /// <summary>Every quote that parses, by name (for sweeps).</summary>
    public static TheoryData<string> ParsableNames => ["sgx_quote", "tdx_quote", "tdx_quote_outdated", "tdx-quote.hex", "quote-from-tappd.hex", "automata_sgx_v3", "automata_tdx_v4_padded"];

    public static byte[] ByName(string name) => name switch
    {
        "sgx_quote" => SgxV3,
        "tdx_quote" => TdxV4,
        "tdx_quote_outdated" => TdxV5Outdated,
        "tdx-quote.hex" => TdxV4Hex0x,
        "quote-from-tappd.hex" => TdxV4FromTappd,
        "automata_sgx_v3" => AutomataSgxV3,
        "automata_tdx_v4_padded" => AutomataTdxV4Padded,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown vector."),
    };

    private static byte[] Dcap(params string[] parts) => TestPaths.ReadTestData(["dcap", .. parts]);

    private static byte[] Hex(string path)
    {
        string text = File.ReadAllText(path, Encoding.ASCII).Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            text = text[2..];
        }

        return Convert.FromHexString(text);
    }
}
