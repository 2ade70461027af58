using BlindAI.Attestation;
using BlindAI.Attestation.Policy;
using BlindAI.Client;
using BlindAI.Client.Attestation;
using BlindAI.Enclave.Simulation;
using BlindAI.Inference;
using BlindAI.SampleHost;
using BlindAI.Server;
using BlindAI.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlindAI.Benchmarks.Client;

/// <summary>
/// The real sample host in simulation mode, in the benchmark process, on loopback with ephemeral ports and real TLS
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
            UntrustedPort = listeners.GetEndPoint(ListenerRole.Untrusted).Port,
            AttestedPort = listeners.GetEndPoint(ListenerRole.Attested).Port,
            ManagementPort = listeners.GetEndPoint(ListenerRole.Management).Port,
            Policy = AttestationPolicy.Strict.RequireMrEnclave(Measurement.FromBytes(new SimulatedSgxEnclave().MrEnclave.Span)),
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
        string[] args =
        [
            "--simulation", "--data-dir", data, "--listen-address", "127.0.0.1", "--management-address", "127.0.0.1",
            "--untrusted-port", "0", "--attested-port", "0", "--management-port", "0",
        ];
        WebApplication app = SampleHostApplication.Build(args, builder =>
        {
            builder.Logging.ClearProviders();

            // The shipped appsettings.json value, set here because BenchmarkDotNet's generated project may not copy it.
            builder.Configuration.AddInMemoryCollection([new("BlindAI:Inference:IntraOpThreads", "1"), new("BlindAI:PersistModels", "false")]);
        });
        ListenerEndpoints listeners = SampleHostApplication.StartAsync(app, CancellationToken.None).GetAwaiter().GetResult();
        return new LoopbackHost(app, data, listeners);
    }

    public BlindAIClient Connect() => BlindAIClient.ConnectAsync("127.0.0.1", ClientOptions).GetAwaiter().GetResult();

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
