using System.Globalization;
using System.Text.Json;
using BlindAI.Testing;

namespace BlindAI.Cli.Tests.Commands;

public sealed class AttestCommandTests : IAsyncLifetime
{
    private SimulatedHost _host = null!;
    private string _policyPath = null!;

    public async Task InitializeAsync()
    {
        _host = await SimulatedHost.StartAsync();
        _policyPath = Path.Combine(_host.DataDirectory, "policy.json");
        await File.WriteAllTextAsync(_policyPath, $$"""{ "sgx": { "mrEnclave": ["{{SimulatedHost.SimulatedMrEnclave}}"] } }""");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Attest_prints_the_verified_report_as_json_with_the_quote_verify_names()
    {
        CliRun run = await CliRun.InvokeAsync([.. Ports(), "--simulation-root", _host.RootPath, "--policy", _policyPath, "--json"]);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        using JsonDocument report = JsonDocument.Parse(run.Output);
        Assert.True(report.RootElement.GetProperty("verified").GetBoolean());
        Assert.True(report.RootElement.GetProperty("bindingVerified").GetBoolean());
        Assert.True(report.RootElement.GetProperty("freshnessVerified").GetBoolean());
        Assert.Equal("UpToDate", report.RootElement.GetProperty("tcbStatus").GetString());
        Assert.Equal(SimulatedHost.SimulatedMrEnclave.ToString(), report.RootElement.GetProperty("mrEnclave").GetString());
    }

    [Fact]
    public async Task Attest_without_the_simulation_root_rejects_with_exit_code_1()
    {
        CliRun run = await CliRun.InvokeAsync([.. Ports(), "--policy", _policyPath]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("REJECTED", run.Output, StringComparison.Ordinal);
        Assert.Contains("UntrustedRoot", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attest_with_a_policy_for_another_enclave_reports_the_violation_as_json()
    {
        string other = Path.Combine(_host.DataDirectory, "other.json");
        await File.WriteAllTextAsync(other, $$"""{ "sgx": { "mrEnclave": "{{new string('a', 64)}}" } }""");

        CliRun run = await CliRun.InvokeAsync([.. Ports(), "--simulation-root", _host.RootPath, "--policy", other, "--json"]);

        Assert.Equal(1, run.ExitCode);
        using JsonDocument report = JsonDocument.Parse(run.Output);
        Assert.False(report.RootElement.GetProperty("verified").GetBoolean());
        Assert.Equal("PolicyViolation", report.RootElement.GetProperty("failure").GetProperty("reason").GetString());
        Assert.NotEqual(0, report.RootElement.GetProperty("policyViolations").GetArrayLength());
    }

    [Fact]
    public async Task Attest_with_a_bad_port_or_unreadable_root_is_a_usage_error()
    {
        CliRun badPort = await CliRun.InvokeAsync("attest", "127.0.0.1", "--attested-port", "0");
        CliRun badRoot = await CliRun.InvokeAsync([.. Ports(), "--simulation-root", _policyPath]);

        Assert.Equal(2, badPort.ExitCode);
        Assert.Contains("AttestedPort", badPort.Error, StringComparison.Ordinal);
        Assert.Equal(2, badRoot.ExitCode);
    }

    [Fact]
    public async Task Attest_without_a_pin_is_informational_and_says_the_identity_is_not_pinned()
    {
        CliRun json = await CliRun.InvokeAsync([.. Ports(), "--simulation-root", _host.RootPath, "--json"]);
        CliRun text = await CliRun.InvokeAsync([.. Ports(), "--simulation-root", _host.RootPath]);
        CliRun pinned = await CliRun.InvokeAsync([.. Ports(), "--simulation-root", _host.RootPath, "--mrenclave", SimulatedHost.SimulatedMrEnclave.ToString(), "--json"]);

        Assert.True(json.ExitCode == 0, json.Output + json.Error);
        using (JsonDocument report = JsonDocument.Parse(json.Output))
        {
            Assert.False(report.RootElement.GetProperty("identityPinned").GetBoolean());
            Assert.True(report.RootElement.GetProperty("verified").GetBoolean());
        }

        Assert.Equal(0, text.ExitCode);
        Assert.Contains("identity not pinned", text.Output, StringComparison.Ordinal);
        Assert.True(pinned.ExitCode == 0, pinned.Output + pinned.Error);
        using JsonDocument pinnedReport = JsonDocument.Parse(pinned.Output);
        Assert.True(pinnedReport.RootElement.GetProperty("identityPinned").GetBoolean());
    }

    [Fact]
    public async Task Attest_takes_no_management_token_since_it_never_sends_one()
    {
        CliRun run = await CliRun.InvokeAsync([.. Ports(), "--simulation-root", _host.RootPath, "--management-token", "secret-token-42"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--management-token", run.Error, StringComparison.Ordinal);
    }

    private string[] Ports() =>
    [
        "attest", "127.0.0.1",
        "--untrusted-port", _host.UntrustedPort.ToString(CultureInfo.InvariantCulture),
        "--attested-port", _host.AttestedPort.ToString(CultureInfo.InvariantCulture),
        "--management-port", _host.ManagementPort.ToString(CultureInfo.InvariantCulture),
    ];
}
