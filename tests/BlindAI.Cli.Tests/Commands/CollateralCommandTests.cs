using System.Net;
using System.Net.Sockets;
using BlindAI.Testing;

namespace BlindAI.Cli.Tests.Commands;

public sealed class CollateralCommandTests
{
    private static string Quote => TestPaths.TestData("dcap", "phala-dcap-qvl", "sgx_quote");

    [Fact]
    public async Task Fetch_needs_exactly_one_source()
    {
        CliRun neither = await CliRun.InvokeAsync("collateral", "fetch", Quote);
        CliRun both = await CliRun.InvokeAsync("collateral", "fetch", Quote, "--pcs", "--pccs", "https://pccs.invalid/");

        Assert.True(neither.ExitCode == 2, neither.Output + neither.Error);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("exactly one of --pcs and --pccs", neither.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_from_an_unreachable_PCCS_is_an_input_error_naming_the_request()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        CliRun run = await CliRun.InvokeAsync("collateral", "fetch", Quote, "--pccs", $"http://127.0.0.1:{port}/");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("fmspc=", run.Error, StringComparison.Ordinal);
    }
}
