using System.Security.Cryptography;
using BlindAI.Attestation;
using BlindAI.Attestation.Policy;
using BlindAI.Client;
using BlindAI.Client.Attestation;
using BlindAI.Enclave.Simulation;
using BlindAI.SampleHost;
using BlindAI.Server;
using BlindAI.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlindAI.Testing;

/// <summary>
/// The real sample host in simulation mode, in this process, on loopback with ephemeral ports and real TLS. Its data
/// folder (simulated PKI, sealed models) is a temporary folder; a test may prepare the simulated platform first.
/// </summary>
public sealed class SimulatedHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SimulatedHost(WebApplication app, string dataDirectory, ListenerEndpoints listeners, RequestLog requests)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Requests = requests;
        UntrustedPort = listeners.GetEndPoint(ListenerRole.Untrusted).Port;
        AttestedPort = listeners.GetEndPoint(ListenerRole.Attested).Port;
        ManagementPort = listeners.GetEndPoint(ListenerRole.Management).Port;
    }

    /// <summary>The default simulated enclave's MRENCLAVE, which the tests' policy pins.</summary>
    public static Measurement SimulatedMrEnclave { get; } = Measurement.FromBytes(SimulatedTeePlatform.DefaultMrEnclave.Span);

    public string DataDirectory { get; }

    public RequestLog Requests { get; }

    public int UntrustedPort { get; }

    public int AttestedPort { get; }

    public int ManagementPort { get; }

    public string RootPath => Path.Combine(DataDirectory, "simulation-root.pem");

    public SimulationRoot Root => SimulationRoot.FromFile(RootPath);

    /// <summary>Starts a host, on a prepared simulated platform and with extra settings (e.g. <c>BlindAI:ManagementTokenSha256</c>) when given.</summary>
    internal static async Task<SimulatedHost> StartAsync(SimulatedPlatformOptions? platform = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        string data = Directory.CreateTempSubdirectory("blindai-client-tests-").FullName;
        if (platform is not null)
        {
            // The host loads a platform it finds in its data folder: this one, with the test's enclave or TCB.
            string simulation = Path.Combine(data, "simulation");
            Directory.CreateDirectory(simulation);
            using SimulatedTeePlatform created = SimulatedTeePlatform.Create(platform);
            created.Save(simulation);
        }

        var requests = new RequestLog();
        string[] args =
        [
            "--simulation", "--data-dir", data, "--listen-address", "127.0.0.1", "--management-address", "127.0.0.1",
            "--untrusted-port", "0", "--attested-port", "0", "--management-port", "0",
        ];
        WebApplication app = SampleHostApplication.Build(args, builder =>
        {
            builder.Logging.ClearProviders();
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }

            builder.Services.AddSingleton<IStartupFilter>(new RecordingFilter(requests));
        });
        ListenerEndpoints listeners = await SampleHostApplication.StartAsync(app, CancellationToken.None);
        return new SimulatedHost(app, data, listeners, requests);
    }

    /// <summary>
    /// The strict policy pinning the simulated enclave, trusting this host's simulation root; every other option at its
    /// default (fresh evidence required), so the tests exercise the defaults a caller gets.
    /// </summary>
    public BlindAIClientOptions ClientOptions() => new()
    {
        Server = new Uri("http://127.0.0.1"),
        UntrustedPort = UntrustedPort,
        AttestedPort = AttestedPort,
        ManagementPort = ManagementPort,
        Policy = AttestationPolicy.Strict.RequireMrEnclave(SimulatedMrEnclave),
        InsecureSimulationRoot = Root,
    };

    /// <summary>The host's own simulated platform, to sign collateral as its "Intel" would.</summary>
    public SimulatedTeePlatform LoadPlatform(TimeProvider? timeProvider = null) =>
        SimulatedTeePlatform.Load(Path.Combine(DataDirectory, "simulation"), timeProvider);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class RecordingFilter(RequestLog requests) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                requests.Add(context.Request.Method, context.Request.Path.Value ?? "", context.Connection.LocalPort, context.Request.ContentLength ?? -1);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
