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

namespace BlindAI.LoadTest;

/// <summary>
/// The server under load: a BlindAI server composed from BlindAI.Server in this process (simulation, loopback, ephemeral ports, a
/// temporary data folder so uploads are sealed to disk as in production), or a host already running on this machine.
/// </summary>
internal sealed class LoadTarget : IAsyncDisposable
{
    private readonly WebApplication? _app;
    private readonly string? _ownedDirectory;

    private LoadTarget(string host, BlindAIClientOptions clientOptions, WebApplication? app, string? ownedDirectory)
    {
        Host = host;
        ClientOptions = clientOptions;
        _app = app;
        _ownedDirectory = ownedDirectory;
    }

    public string Host { get; }

    public BlindAIClientOptions ClientOptions { get; }

    /// <summary>Whether the host runs in this process (its memory is then part of what is sampled).</summary>
    public bool InProcess => _app is not null;

    public static async Task<LoadTarget> StartAsync(LoadTestOptions options, CancellationToken cancellationToken)
    {
        // The strict policy, pinned to the simulated enclave, trusting only the simulation root the host wrote.
        AttestationPolicy policy = AttestationPolicy.Strict.RequireMrEnclave(Measurement.FromBytes(SimulatedTeePlatform.DefaultMrEnclave.Span));
        if (options.Host is not null)
        {
            return new LoadTarget(options.Host, ClientOptionsFor(options.Host, policy, SimulationRoot.FromFile(options.SimulationRootPath!), options.UntrustedPort, options.AttestedPort, options.ManagementPort), null, null);
        }

        string data = Directory.CreateTempSubdirectory("blindai-load-").FullName;
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BlindAI:Simulation"] = "true",
            ["BlindAI:DataDirectory"] = data,
            ["BlindAI:ListenAddress"] = "127.0.0.1",
            ["BlindAI:UntrustedPort"] = "0",
            ["BlindAI:AttestedPort"] = "0",
            ["BlindAI:ManagementPort"] = "0",
            ["BlindAI:Inference:IntraOpThreads"] = "1",

            // Warnings and errors of the host still reach the console: an unexpected server error must be visible.
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        });
        builder.Configuration.AddInMemoryCollection(options.HostSettings);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        builder.Services.AddBlindAIServer(builder.Configuration.GetSection(BlindAIServerOptions.SectionName));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenBlindAI());
        WebApplication app = builder.Build();
        app.MapBlindAI();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            ListenerEndpoints listeners = app.Services.GetRequiredService<ListenerEndpoints>();
            BlindAIClientOptions client = ClientOptionsFor(
                "127.0.0.1",
                policy,
                SimulationRoot.FromFile(Path.Combine(data, "simulation-root.pem")),
                listeners.GetEndPoint(ListenerRole.Untrusted).Port,
                listeners.GetEndPoint(ListenerRole.Attested).Port,
                listeners.GetEndPoint(ListenerRole.Management).Port);
            return new LoadTarget("127.0.0.1", client, app, data);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            Directory.Delete(data, recursive: true);
            throw;
        }
    }

    /// <summary>The models the in-process host holds and the sealed files in its store; <see langword="null"/> for an external host.</summary>
    public (int Models, int SealedFiles)? InspectStore() =>
        _app is null || _ownedDirectory is null
            ? null
            : (_app.Services.GetRequiredService<IInferenceEngine>().ListModels().Count, Directory.GetFiles(Path.Combine(_ownedDirectory, "models")).Length);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        if (_ownedDirectory is not null)
        {
            try
            {
                Directory.Delete(_ownedDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open; the folder is in the temporary directory.
            }
        }
    }

    private static BlindAIClientOptions ClientOptionsFor(string host, AttestationPolicy policy, SimulationRoot root, int untrusted, int attested, int management) => new()
    {
        Server = new UriBuilder(Uri.UriSchemeHttp, host).Uri,
        UntrustedPort = untrusted,
        AttestedPort = attested,
        ManagementPort = management,
        Policy = policy,
        InsecureSimulationRoot = root,
        FreshEvidence = FreshEvidenceMode.Required,
        RequestTimeout = TimeSpan.FromSeconds(60),
    };
}
