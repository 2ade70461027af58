using BlindAI.Testing;

namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>
/// The Makefile's policy step: after signing, <c>gramine-sgx-sigstruct-view --verbose --output-format=json</c> and then
/// <c>blindai policy sgx</c> (src/BlindAI.Cli) write the client's <c>blindai-host-policy.json</c> and the original client's
/// <c>blindai-host-manifest.toml</c>. What the command writes and refuses is tested in BlindAI.Cli.Tests
/// (PolicyCommandTests, on the same captured sigstruct views); here, that the Makefile calls it with the deployer's choices.
/// </summary>
public sealed class MakefilePolicyStepTests
{
    private const string PolicyCommand =
        "policy sgx --sigstruct blindai-host-sigstruct.json --out blindai-host-policy.json --manifest-out blindai-host-manifest.toml";

    [Fact]
    public async Task By_default_the_policy_is_strict_and_written_by_the_repositorys_cli_from_the_verbose_view()
    {
        string[] commands = await DryRunAsync();

        Assert.Contains("gramine-sgx-sigstruct-view --verbose --output-format=json blindai-host.sig > blindai-host-sigstruct.json", commands);
        string policy = Assert.Single(commands, c => c.Contains(PolicyCommand, StringComparison.Ordinal));
        Assert.StartsWith("dotnet run --project ../../../src/BlindAI.Cli/BlindAI.Cli.csproj ", policy, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(GramineFolder.Root, "../../../src/BlindAI.Cli/BlindAI.Cli.csproj")), "The Makefile's BLINDAI project path does not exist.");
        Assert.DoesNotContain("--accept-", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("--allow-debug", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_a_debug_build_allows_debug_in_its_policy()
    {
        string policy = Assert.Single(await DryRunAsync("DEBUG=1"), c => c.Contains(PolicyCommand, StringComparison.Ordinal));

        Assert.EndsWith("--allow-debug", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accepted_statuses_and_advisories_are_the_deployers_explicit_choices()
    {
        string policy = Assert.Single(
            await DryRunAsync("ACCEPT_STATUS=ConfigurationAndSWHardeningNeeded", "ACCEPT_ADVISORY=INTEL-SA-00289,INTEL-SA-00615", "DENY_ADVISORY=INTEL-SA-00334"),
            c => c.Contains(PolicyCommand, StringComparison.Ordinal));

        Assert.Contains(
            "--accept-status ConfigurationAndSWHardeningNeeded --accept-advisory INTEL-SA-00289,INTEL-SA-00615 --deny-advisory INTEL-SA-00334",
            policy,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_published_cli_can_replace_dotnet_run_where_there_is_no_sdk()
    {
        string policy = Assert.Single(await DryRunAsync("BLINDAI=/opt/blindai-cli/blindai"), c => c.Contains(PolicyCommand, StringComparison.Ordinal));

        Assert.StartsWith("/opt/blindai-cli/blindai " + PolicyCommand, policy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ACCEPT_STATUS=UpToDate;touch /tmp/x")]
    [InlineData("ACCEPT_ADVISORY=INTEL-SA-00615 --allow-debug")]
    [InlineData("DENY_ADVISORY=INTEL-SA-00615`id`")]
    public async Task Choices_that_are_not_plain_names_are_refused_before_anything_runs(string variable)
    {
        // The values are pasted into the command line of the policy step: only names and commas get through.
        var result = await ExternalCommand.RunAsync("make", ["-s", "--no-print-directory", "check-config", variable], GramineFolder.Root, TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("must be comma-separated names", result.StandardError, StringComparison.Ordinal);
    }

    /// <summary>
    /// The commands 'make policy' would run once the enclave is signed (-n prints without running; -W pretends the
    /// SIGSTRUCT is new and -o keeps make from building it, so nothing needs Gramine or a signing key).
    /// </summary>
    private static async Task<string[]> DryRunAsync(params string[] variables)
    {
        var result = await ExternalCommand.RunAsync(
            "make", ["-n", "--no-print-directory", "-W", "blindai-host.sig", "-o", "blindai-host.sig", "policy", .. variables], GramineFolder.Root, TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.ToString());

        // Join the recipe's continuation lines so that each command is one string.
        return result.StandardOutput.Replace("\\\n", " ", StringComparison.Ordinal)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => string.Join(' ', line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)))
            .ToArray();
    }
}
