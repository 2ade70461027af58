using BlindAI.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace BlindAI.QuickStart;

/// <summary>
/// A BlindAI server composed from <c>BlindAI.Server</c> in simulation mode (an SGX enclave or a TDX trust domain) on
/// loopback, in this process, with ephemeral ports and a temporary data folder. In production the server runs in an
/// SGX enclave on another machine; the client code below does not change.
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
    /// <param name="tdx">Simulate a TDX trust domain instead of an SGX enclave.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    public static async Task<DemoServer> StartAsync(bool tdx, CancellationToken cancellationToken)
    {
        string data = Directory.CreateTempSubdirectory("blindai-quickstart-").FullName;
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();

        // Only the server's warnings (such as the loud simulation notice) reach the console.
        builder.Logging.ClearProviders().AddSimpleConsole(console => console.SingleLine = true).AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning);
        builder.Services.AddBlindAIServer(options =>
        {
            options.Simulation = true;
            options.SimulationTee = tdx ? SimulatedTee.Tdx : SimulatedTee.Sgx;
            options.DataDirectory = data;
            options.ListenAddress = "127.0.0.1";
            options.UntrustedPort = options.AttestedPort = options.ManagementPort = 0;
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenBlindAI());
        WebApplication app = builder.Build();
        app.MapBlindAI();
        await app.StartAsync(cancellationToken);
        return new DemoServer(app, data, app.Services.GetRequiredService<ListenerEndpoints>());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
