using System.Text.Json;
using BlindAI.Testing;

namespace BlindAI.Cli.Tests.Commands;

/// <summary>
/// The identity pins and named relaxations every verifying command shares (PolicyInputs), exercised through
/// <c>quote verify</c> on Intel's real quotes: how values are read, which combinations are usage errors, and how the
/// report says whether the identity was pinned.
/// </summary>
public sealed class PolicyOptionsTests
{
    private static readonly string Phala = TestPaths.TestData("dcap", "phala-dcap-qvl");
    private const string SgxMrEnclave = "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb";
    private const string SgxMrSigner = "815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6";
    private const string TdxMrTd = "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7";

    private static readonly string[] VerifySgx =
    [
        "quote", "verify", Path.Combine(Phala, "sgx_quote"), "--collateral", Path.Combine(Phala, "sgx_quote_collateral.json"), "--at", "1752919277",
        "--accept-status", "ConfigurationAndSWHardeningNeeded", "--accept-advisory", "INTEL-SA-00289,INTEL-SA-00615", "--json",
    ];

    private static readonly string[] VerifyTdx =
    [
        "quote", "verify", Path.Combine(Phala, "tdx_quote"), "--collateral", Path.Combine(Phala, "tdx_quote_collateral.json"), "--at", "1752919234", "--json",
    ];

    [Fact]
    public async Task Without_a_pin_offline_verification_is_informational_and_says_the_identity_is_not_pinned()
    {
        CliRun json = await CliRun.InvokeAsync(VerifySgx);
        CliRun text = await CliRun.InvokeAsync([.. VerifySgx.Where(a => a != "--json")]);

        Assert.True(json.ExitCode == 0, json.Output + json.Error);
        using JsonDocument report = JsonDocument.Parse(json.Output);
        Assert.False(report.RootElement.GetProperty("identityPinned").GetBoolean());
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("identity not pinned", text.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--mrenclave", SgxMrEnclave)]
    [InlineData("--mrenclave", "0x" + SgxMrEnclave)]
    [InlineData("--mrsigner", SgxMrSigner, "--isv-prod-id", "0")]
    public async Task A_matching_SGX_pin_verifies_and_is_reported_as_pinned(params string[] pin)
    {
        CliRun run = await CliRun.InvokeAsync([.. VerifySgx, .. pin]);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        using JsonDocument report = JsonDocument.Parse(run.Output);
        Assert.True(report.RootElement.GetProperty("identityPinned").GetBoolean());
    }

    [Fact]
    public async Task MRENCLAVE_pins_may_be_repeated_or_comma_separated_and_any_one_matches()
    {
        string other = new('a', 64);

        CliRun repeated = await CliRun.InvokeAsync([.. VerifySgx, "--mrenclave", other, "--mrenclave", SgxMrEnclave]);
        CliRun commas = await CliRun.InvokeAsync([.. VerifySgx, "--mrenclave", $"{other}, {SgxMrEnclave}"]);
        CliRun neither = await CliRun.InvokeAsync([.. VerifySgx, "--mrenclave", other]);

        Assert.True(repeated.ExitCode == 0, repeated.Output + repeated.Error);
        Assert.True(commas.ExitCode == 0, commas.Output + commas.Error);
        Assert.Equal(1, neither.ExitCode);
        using JsonDocument report = JsonDocument.Parse(neither.Output);
        Assert.Contains(report.RootElement.GetProperty("policyViolations").EnumerateArray(), v => v.GetProperty("field").GetString() == "mrEnclave");
    }

    [Fact]
    public async Task A_wrong_isv_prod_id_with_the_right_signer_is_a_policy_violation()
    {
        CliRun run = await CliRun.InvokeAsync([.. VerifySgx, "--mrsigner", SgxMrSigner, "--isv-prod-id", "1"]);

        Assert.Equal(1, run.ExitCode);
        using JsonDocument report = JsonDocument.Parse(run.Output);
        Assert.Contains(report.RootElement.GetProperty("policyViolations").EnumerateArray(), v => v.GetProperty("field").GetString() == "isvProdId");
    }

    [Fact]
    public async Task The_MRTD_pin_verifies_a_TDX_quote_and_rejects_another_TD()
    {
        CliRun pinned = await CliRun.InvokeAsync([.. VerifyTdx, "--mrtd", TdxMrTd]);
        CliRun other = await CliRun.InvokeAsync([.. VerifyTdx, "--mrtd", new string('b', 96)]);

        Assert.True(pinned.ExitCode == 0, pinned.Output + pinned.Error);
        using (JsonDocument report = JsonDocument.Parse(pinned.Output))
        {
            Assert.True(report.RootElement.GetProperty("identityPinned").GetBoolean());
        }

        Assert.Equal(1, other.ExitCode);
        using JsonDocument rejected = JsonDocument.Parse(other.Output);
        Assert.Contains(rejected.RootElement.GetProperty("policyViolations").EnumerateArray(), v => v.GetProperty("field").GetString() == "mrTd");
    }

    [Fact]
    public async Task Pins_add_to_a_policy_file()
    {
        // The file accepts the status and advisories; the pin on the command line adds the identity.
        string policy = Path.Combine(Path.GetTempPath(), $"blindai-policy-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(policy, """{ "acceptedTcbStatuses": ["ConfigurationAndSWHardeningNeeded"], "acceptedAdvisoryIds": ["INTEL-SA-00289", "INTEL-SA-00615"] }""");
        try
        {
            string[] verify = ["quote", "verify", Path.Combine(Phala, "sgx_quote"), "--collateral", Path.Combine(Phala, "sgx_quote_collateral.json"), "--at", "1752919277", "--policy", policy, "--json"];

            CliRun fileOnly = await CliRun.InvokeAsync(verify);
            CliRun withPin = await CliRun.InvokeAsync([.. verify, "--mrenclave", SgxMrEnclave]);

            // A policy file is judged as written: one that pins nothing is an identity violation.
            Assert.Equal(1, fileOnly.ExitCode);
            using (JsonDocument report = JsonDocument.Parse(fileOnly.Output))
            {
                Assert.Contains(report.RootElement.GetProperty("policyViolations").EnumerateArray(), v => v.GetProperty("field").GetString() == "identity");
            }

            Assert.True(withPin.ExitCode == 0, withPin.Output + withPin.Error);
        }
        finally
        {
            File.Delete(policy);
        }
    }

    [Theory]
    [InlineData("--mrenclave", "33d8736d", "64 hex digits")]
    [InlineData("--mrenclave", "not hex at all", "64 hex digits")]
    [InlineData("--mrtd", SgxMrEnclave, "96 hex digits")]
    [InlineData("--isv-prod-id", "65536", "0 to 65535")]
    [InlineData("--isv-prod-id", "-1", "0 to 65535")]
    [InlineData("--accept-advisory", "INTEL SA 00615", "not an advisory id")]
    [InlineData("--accept-status", "Fine", "unknown TCB status")]
    [InlineData("--accept-status", "Revoked", "a revoked TCB is never accepted")]
    public async Task A_malformed_pin_or_relaxation_is_a_usage_error(string option, string value, string message)
    {
        CliRun run = await CliRun.InvokeAsync([.. VerifySgx, option, value]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task Pins_of_both_TEEs_at_once_are_a_usage_error()
    {
        CliRun run = await CliRun.InvokeAsync([.. VerifySgx, "--mrenclave", SgxMrEnclave, "--mrtd", TdxMrTd]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no quote can match both", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mrsigner_without_isv_prod_id_is_a_usage_error_even_offline()
    {
        CliRun run = await CliRun.InvokeAsync([.. VerifySgx, "--mrsigner", SgxMrSigner]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--mrsigner needs --isv-prod-id", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_quote_file_stays_an_input_error()
    {
        // Malformed content is a rejection (exit 1), but a file with nothing in it was not evidence at all.
        string empty = Path.Combine(Path.GetTempPath(), $"blindai-empty-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(empty, []);
        try
        {
            CliRun run = await CliRun.InvokeAsync("quote", "verify", empty, "--collateral", Path.Combine(Phala, "sgx_quote_collateral.json"));

            Assert.Equal(2, run.ExitCode);
            Assert.Contains("empty", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(empty);
        }
    }
}
