using BlindAI.Attestation;
using BlindAI.Attestation.Policy;
using BlindAI.Client;
using BlindAI.Client.Attestation;
using BlindAI.Enclave.Simulation;
using BlindAI.Inference;
using BlindAI.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlindAI.Benchmarks.Client;

/// <summary>
/// A BlindAI server composed from BlindAI.Server in simulation mode, in the benchmark process, on loopback with ephemeral ports and real TLS
/// (as the client tests run it), with logging off. Its engine is the in-process baseline the client is compared with:
/// same sessions, same thread settings.
/// </summary>
internal sealed class LoopbackHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDirectory;

    private LoopbackHost(WebApplication app, string dataDirectory, ListenerEndpoints listeners)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        Engine = app.Services.GetRequiredService<IInferenceEngine>();
        ClientOptions = new BlindAIClientOptions
        {
            Server = new Uri("http://127.0.0.1"),
            UntrustedPort = listeners.GetEndPoint(ListenerRole.Untrusted).Port,
            AttestedPort = listeners.GetEndPoint(ListenerRole.Attested).Port,
            ManagementPort = listeners.GetEndPoint(ListenerRole.Management).Port,
            Policy = AttestationPolicy.Strict.RequireMrEnclave(Measurement.FromBytes(SimulatedTeePlatform.DefaultMrEnclave.Span)),
            InsecureSimulationRoot = SimulationRoot.FromFile(Path.Combine(dataDirectory, "simulation-root.pem")),
            FreshEvidence = FreshEvidenceMode.Required,
        };
    }

    /// <summary>The host's own inference engine.</summary>
    public IInferenceEngine Engine { get; }

    /// <summary>A strict policy pinning the simulated enclave, trusting only this host's simulation root.</summary>
    public BlindAIClientOptions ClientOptions { get; }

    public static LoopbackHost Start()
    {
        string data = Directory.CreateTempSubdirectory("blindai-client-bench-").FullName;
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();

        // The shipped appsettings.json's engine setting is set here because BenchmarkDotNet's generated project may not copy it.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BlindAI:Simulation"] = "true",
            ["BlindAI:DataDirectory"] = data,
            ["BlindAI:PersistModels"] = "false",
            ["BlindAI:ListenAddress"] = "127.0.0.1",
            ["BlindAI:UntrustedPort"] = "0",
            ["BlindAI:AttestedPort"] = "0",
            ["BlindAI:ManagementPort"] = "0",
            ["BlindAI:Inference:IntraOpThreads"] = "1",
        });
        builder.Services.AddBlindAIServer(builder.Configuration.GetSection(BlindAIServerOptions.SectionName));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenBlindAI());
        WebApplication app = builder.Build();
        app.MapBlindAI();
        app.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        ListenerEndpoints listeners = app.Services.GetRequiredService<ListenerEndpoints>();
        return new LoopbackHost(app, data, listeners);
    }

    public BlindAIClient Connect() => BlindAIClient.ConnectAsync(ClientOptions).GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
