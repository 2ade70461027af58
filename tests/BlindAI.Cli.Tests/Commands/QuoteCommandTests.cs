using System.Text.Json;
using BlindAI.Testing;

namespace BlindAI.Cli.Tests.Commands;

public sealed class QuoteCommandTests
{
    private static readonly string Phala = TestPaths.TestData("dcap", "phala-dcap-qvl");
    private static readonly string Automata = TestPaths.TestData("dcap", "automata-dcap-rs");

    [Fact]
    public async Task Show_prints_every_section_of_an_sgx_quote()
    {
        CliRun run = await CliRun.InvokeAsync("quote", "show", Path.Combine(Phala, "sgx_quote"));

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        JsonElement root = json.RootElement;
        Assert.Equal(3, root.GetProperty("header").GetProperty("version").GetInt32());
        Assert.Equal("33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb", root.GetProperty("sgxReport").GetProperty("mrEnclave").GetString());
        JsonElement extensions = root.GetProperty("signatureData").GetProperty("pckCertificateChain").GetProperty("sgxExtensions");
        Assert.Equal("00a067110000", extensions.GetProperty("fmspc").GetString());
        Assert.Equal(13, extensions.GetProperty("pceSvn").GetInt32());
        Assert.Equal(3, root.GetProperty("signatureData").GetProperty("pckCertificateChain").GetProperty("certificates").GetArrayLength());
    }

    [Fact]
    public async Task Show_reads_0x_hex_tdx_quotes()
    {
        CliRun run = await CliRun.InvokeAsync("quote", "show", Path.Combine(Phala, "tdx-quote.hex"));

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(4, json.RootElement.GetProperty("tdReport").GetProperty("rtmrs").GetArrayLength());
    }

    [Fact]
    public async Task Verify_with_the_default_strict_policy_rejects_a_quote_that_needs_configuration()
    {
        CliRun run = await CliRun.InvokeAsync(
            "quote", "verify", Path.Combine(Phala, "sgx_quote"), "--collateral", Path.Combine(Phala, "sgx_quote_collateral.json"), "--at", "1752919277", "--json");

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        JsonElement root = json.RootElement;
        Assert.False(root.GetProperty("verified").GetBoolean());
        Assert.Equal("ConfigurationAndSWHardeningNeeded", root.GetProperty("tcbStatus").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("failure").ValueKind);
        Assert.Contains(root.GetProperty("policyViolations").EnumerateArray(), v => v.GetProperty("field").GetString() == "tcbStatus");
        Assert.Equal("SGX", root.GetProperty("teeType").GetString());
        Assert.Equal("2025-07-19T10:01:18Z", root.GetProperty("collateralExpiresAt").GetString());
    }

    [Fact]
    public async Task Verify_succeeds_when_a_policy_file_accepts_the_status_and_advisories()
    {
        string policy = Path.Combine(Path.GetTempPath(), $"blindai-policy-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(policy, """
            {
              "acceptedTcbStatuses": ["ConfigurationAndSWHardeningNeeded"],
              "acceptedAdvisoryIds": ["INTEL-SA-00289", "INTEL-SA-00615"],
              "sgx": { "mrEnclave": "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb" }
            }
            """);
        try
        {
            CliRun run = await CliRun.InvokeAsync(
                "quote", "verify", Path.Combine(Phala, "sgx_quote"), "--collateral", Path.Combine(Phala, "sgx_quote_collateral.json"),
                "--at", "2025-07-19T10:01:17Z", "--policy", policy, "--json");

            Assert.True(run.ExitCode == 0, run.Output + run.Error);
            using var json = JsonDocument.Parse(run.Output);
            Assert.True(json.RootElement.GetProperty("verified").GetBoolean());
            Assert.Empty(json.RootElement.GetProperty("policyViolations").EnumerateArray());
        }
        finally
        {
            File.Delete(policy);
        }
    }

    [Fact]
    public async Task Verify_reports_a_failed_check_with_reason_and_step()
    {
        CliRun run = await CliRun.InvokeAsync(
            "quote", "verify", Path.Combine(Phala, "sgx_quote"), "--collateral", Path.Combine(Phala, "sgx_quote_collateral.json"), "--at", "1800000000", "--json");

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        JsonElement failure = json.RootElement.GetProperty("failure");
        Assert.Equal("Expired", failure.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("tcbStatus").ValueKind);
    }

    [Fact]
    public async Task Verify_takes_raw_pcs_collateral_files()
    {
        string quote = Path.Combine(Path.GetTempPath(), $"blindai-quote-{Guid.NewGuid():N}.hex");
        File.Copy(Path.Combine(Automata, "quote_sgx_v3_from_lib_rs_test_verifyv3.hex"), quote);
        string pckCrlChain = Path.Combine(Path.GetTempPath(), $"blindai-chain-{Guid.NewGuid():N}.pem");
        string chain = await File.ReadAllTextAsync(Path.Combine(Automata, "pck_certchain.pem"));
        await File.WriteAllTextAsync(pckCrlChain, chain[chain.IndexOf("-----BEGIN CERTIFICATE-----", 1, StringComparison.Ordinal)..]);
        try
        {
            CliRun run = await CliRun.InvokeAsync(
                "quote", "verify", quote,
                "--tcb-info", Path.Combine(Automata, "tcbinfov2.json"), "--tcb-info-chain", Path.Combine(Automata, "tcb_signing_cert.pem"),
                "--qe-identity", Path.Combine(Automata, "qeidentityv2.json"), "--qe-identity-chain", Path.Combine(Automata, "tcb_signing_cert.pem"),
                "--pck-crl", Path.Combine(Automata, "pck_platform_crl.der"), "--pck-crl-chain", pckCrlChain,
                "--root-ca-crl", Path.Combine(Automata, "intel_root_ca_crl.der"),
                "--at", "1739419232", "--accept-status", "OutOfDate", "--json");

            Assert.True(run.ExitCode == 0, run.Output + run.Error);
            using var json = JsonDocument.Parse(run.Output);
            Assert.Equal("OutOfDate", json.RootElement.GetProperty("tcbStatus").GetString());
            Assert.Equal("00606a000000", json.RootElement.GetProperty("fmspc").GetString());
        }
        finally
        {
            File.Delete(quote);
            File.Delete(pckCrlChain);
        }
    }

    [Fact]
    public async Task Incomplete_raw_collateral_is_a_usage_error()
    {
        CliRun run = await CliRun.InvokeAsync(
            "quote", "verify", Path.Combine(Phala, "sgx_quote"), "--tcb-info", Path.Combine(Automata, "tcbinfov2.json"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("missing --tcb-info-chain", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Theory]
    [InlineData("not-a-time")]
    [InlineData("2025-07-19")]
    public async Task A_malformed_instant_is_a_usage_error(string at)
    {
        CliRun run = await CliRun.InvokeAsync(
            "quote", "verify", Path.Combine(Phala, "sgx_quote"), "--collateral", Path.Combine(Phala, "sgx_quote_collateral.json"), "--at", at);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--at", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_quote_is_an_input_error_with_one_line()
    {
        string truncated = Path.Combine(Path.GetTempPath(), $"blindai-truncated-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(truncated, (await File.ReadAllBytesAsync(Path.Combine(Phala, "sgx_quote")))[..100]);
        try
        {
            CliRun run = await CliRun.InvokeAsync("quote", "show", truncated);

            Assert.Equal(2, run.ExitCode);
            Assert.StartsWith("blindai: ", run.Error, StringComparison.Ordinal);
            Assert.Single(run.Error.TrimEnd().Split('\n'));
        }
        finally
        {
            File.Delete(truncated);
        }
    }

    [Fact]
    public async Task Unknown_options_are_usage_errors()
    {
        CliRun run = await CliRun.InvokeAsync("quote", "show", "quote.bin", "--no-such-option");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("blindai --help", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_verify_prints_cold_and_warm_microseconds()
    {
        // The quote is judged first (its status and advisories accepted by name), then timed.
        CliRun run = await CliRun.InvokeAsync(
            "bench", "verify", Path.Combine(Phala, "sgx_quote"), "--collateral", Path.Combine(Phala, "sgx_quote_collateral.json"), "--at", "1752919277", "--iterations", "3",
            "--accept-status", "ConfigurationAndSWHardeningNeeded", "--accept-advisory", "INTEL-SA-00289,INTEL-SA-00615");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Matches(@"cold: \d+\.\d us/verification", run.Output);
        Assert.Matches(@"warm: \d+\.\d us/verification", run.Output);
    }

    [Fact]
    public async Task Bench_verify_reports_a_quote_the_policy_rejects_instead_of_timing_it()
    {
        // Before: bench ignored --policy and --accept-status and timed a quote that 'quote verify' rejects.
        CliRun run = await CliRun.InvokeAsync(
            "bench", "verify", Path.Combine(Phala, "sgx_quote"), "--collateral", Path.Combine(Phala, "sgx_quote_collateral.json"), "--at", "1752919277", "--iterations", "3", "--json");

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.False(json.RootElement.GetProperty("verified").GetBoolean());
        Assert.Contains(json.RootElement.GetProperty("policyViolations").EnumerateArray(), v => v.GetProperty("field").GetString() == "tcbStatus");
        Assert.DoesNotContain("us/verification", run.Output, StringComparison.Ordinal);
    }
}
