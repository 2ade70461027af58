using System.Collections.Concurrent;
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
/// The real sample host in simulation, which a test can restart on the same data folder (same simulated platform and
/// root, same sealed models) and the same ports, optionally as another enclave; and whose clock can be a test's
/// <see cref="TimeProvider"/> (the certificate's validity and its renewal schedule).
/// </summary>
public sealed class RestartableHost : IAsyncDisposable
{
    private const string RenewalCategory = "BlindAI.Server.Hosting.CertificateRenewalService";
    private const string ConnectionsCategory = "Microsoft.AspNetCore.Server.Kestrel.Connections";
    private readonly TimeProvider? _clock;
    private readonly IReadOnlyDictionary<string, string?>? _settings;
    private readonly ConcurrentQueue<int> _renewalEvents = new();
    private readonly ConnectionCounter _connections = new();
    private WebApplication? _app;

    private RestartableHost(string dataDirectory, TimeProvider? clock, IReadOnlyDictionary<string, string?>? settings)
    {
        DataDirectory = dataDirectory;
        _clock = clock;
        _settings = settings;
    }

    public string DataDirectory { get; }

    public RequestLog Requests { get; } = new();

    public int UntrustedPort { get; private set; }

    public int AttestedPort { get; private set; }

    public int ManagementPort { get; private set; }

    public SimulationRoot Root => SimulationRoot.FromFile(Path.Combine(DataDirectory, "simulation-root.pem"));

    /// <summary>How many times the renewal service logged that it scheduled a renewal (once per certificate).</summary>
    public int RenewalsScheduled => _renewalEvents.Count(id => id == 60);

    public static async Task<RestartableHost> StartAsync(TimeProvider? clock = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var host = new RestartableHost(Directory.CreateTempSubdirectory("blindai-restart-tests-").FullName, clock, settings);
        await host.StartAppAsync();
        return host;
    }

    /// <summary>The strict policy pinning the simulated enclave's MRENCLAVE, trusting this host's simulation root.</summary>
    public BlindAIClientOptions ClientOptions(AttestationPolicy? policy = null) => new()
    {
        Server = new Uri("http://127.0.0.1"),
        UntrustedPort = UntrustedPort,
        AttestedPort = AttestedPort,
        ManagementPort = ManagementPort,
        Policy = policy ?? AttestationPolicy.Strict.RequireMrEnclave(SimulatedHost.SimulatedMrEnclave),
        InsecureSimulationRoot = Root,
    };

    /// <summary>
    /// Stops the host and starts it again on the same folder and ports: a new RA-TLS key, the same platform and sealed
    /// models. With <paramref name="enclave"/>, the platform (same keys and root) now runs that enclave instead.
    /// </summary>
    internal async Task RestartAsync(SimulatedSgxEnclave? enclave = null)
    {
        await StopAppAsync();
        if (enclave is not null)
        {
            string folder = Path.Combine(DataDirectory, "simulation");
            using SimulatedTeePlatform saved = SimulatedTeePlatform.Load(folder);
            using SimulatedTeePlatform changed = saved.With(saved.Options with { Enclave = enclave });
            changed.Save(folder);
        }

        await StartAppAsync();
    }

    /// <summary>Waits until the renewal service has scheduled <paramref name="count"/> renewals (its timer exists).</summary>
    public async Task WaitForRenewalsScheduledAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (RenewalsScheduled < count)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    /// <summary>
    /// Waits until the host has closed every connection it accepted (Kestrel logs each connection's start and stop),
    /// for example once its keep-alive timeout dropped the idle ones: the next request then needs a new handshake. A
    /// test that only slept past the timeout raced Kestrel's once-a-second heartbeat on a loaded machine, and the
    /// client could write a request into a connection the host was closing at that moment.
    /// </summary>
    public async Task WaitForConnectionsClosedAsync()
    {
        // No connection seen means Kestrel's events no longer arrive as expected: waiting would prove nothing.
        Assert.True(_connections.EverStarted > 0, "Kestrel logged no ConnectionStart event.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (_connections.Open > 0)
        {
            await Task.Delay(20, timeout.Token);
        }

        // The stop is logged as the connection ends; give the client's socket the moment it needs to see the close.
        await Task.Delay(200, timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAppAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartAppAsync()
    {
        string[] args =
        [
            "--simulation", "--data-dir", DataDirectory, "--listen-address", "127.0.0.1", "--management-address", "127.0.0.1",
            "--untrusted-port", UntrustedPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--attested-port", AttestedPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--management-port", ManagementPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ];
        WebApplication app = SampleHostApplication.Build(args, builder =>
        {
            builder.Logging.ClearProviders();
            if (_settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(_settings);
            }

            builder.Logging.AddProvider(new EventRecorder(_renewalEvents, _connections));
            builder.Logging.AddFilter(ConnectionsCategory, LogLevel.Debug);
            if (_clock is not null)
            {
                builder.Services.AddSingleton(_clock);
            }

            builder.Services.AddSingleton<IStartupFilter>(new RecordingFilter(Requests));
        });
        ListenerEndpoints listeners = await SampleHostApplication.StartAsync(app, CancellationToken.None);
        UntrustedPort = listeners.GetEndPoint(ListenerRole.Untrusted).Port;
        AttestedPort = listeners.GetEndPoint(ListenerRole.Attested).Port;
        ManagementPort = listeners.GetEndPoint(ListenerRole.Management).Port;
        _app = app;
    }

    private async Task StopAppAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private sealed class ConnectionCounter
    {
        private int _open;
        private int _started;

        public int Open => Volatile.Read(ref _open);

        public int EverStarted => Volatile.Read(ref _started);

        public void Started()
        {
            Interlocked.Increment(ref _started);
            Interlocked.Increment(ref _open);
        }

        public void Stopped() => Interlocked.Decrement(ref _open);
    }

    private sealed class EventRecorder(ConcurrentQueue<int> events, ConnectionCounter connections) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => categoryName switch
        {
            RenewalCategory => new Recorder(events),
            ConnectionsCategory => new ConnectionRecorder(connections),
            _ => Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
        };

        public void Dispose()
        {
        }

        private sealed class Recorder(ConcurrentQueue<int> events) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                events.Enqueue(eventId.Id);
        }

        /// <summary>Kestrel's ConnectionStart (1) and ConnectionStop (2) events.</summary>
        private sealed class ConnectionRecorder(ConnectionCounter connections) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                switch (eventId.Name)
                {
                    case "ConnectionStart":
                        connections.Started();
                        break;
                    case "ConnectionStop":
                        connections.Stopped();
                        break;
                }
            }
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
