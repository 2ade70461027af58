using BlindAI.SampleHost;
using BlindAI.Server;
using BlindAI.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace BlindAI.QuickStart;

/// <summary>
/// The sample host in simulation mode (an SGX enclave or a TDX trust domain) on loopback, in this process, with ephemeral ports and a temporary data folder.
/// In production the server runs in an SGX enclave on another machine; the client code below does not change.
/// </summary>
internal sealed class DemoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DemoServer(WebApplication app, string dataDirectory, ListenerEndpoints listeners)
    {
        _app = app;
        DataDirectory = dataDirectory;
        UntrustedPort = listeners.GetEndPoint(ListenerRole.Untrusted).Port;
        AttestedPort = listeners.GetEndPoint(ListenerRole.Attested).Port;
        ManagementPort = listeners.GetEndPoint(ListenerRole.Management).Port;
    }

    public string DataDirectory { get; }

    /// <summary>The root of the simulated platform, which the client must trust explicitly.</summary>
    public string SimulationRootPath => Path.Combine(DataDirectory, "simulation-root.pem");

    public int UntrustedPort { get; }

    public int AttestedPort { get; }

    public int ManagementPort { get; }

    /// <summary>Starts the server.</summary>
    /// <param name="tdx">Simulate a TDX trust domain (<c>--simulation tdx</c>) instead of an SGX enclave.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    public static async Task<DemoServer> StartAsync(bool tdx, CancellationToken cancellationToken)
    {
        string data = Directory.CreateTempSubdirectory("blindai-quickstart-").FullName;
        string[] args =
        [
            "--simulation", tdx ? "tdx" : "sgx", "--data-dir", data, "--listen-address", "127.0.0.1", "--management-address", "127.0.0.1",
            "--untrusted-port", "0", "--attested-port", "0", "--management-port", "0",
        ];
        // Only the server's warnings (such as the loud simulation notice) reach the console.
        WebApplication app = SampleHostApplication.Build(args, builder => builder.Logging
            .ClearProviders()
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning));
        ListenerEndpoints listeners = await SampleHostApplication.StartAsync(app, cancellationToken);
        return new DemoServer(app, data, listeners);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
