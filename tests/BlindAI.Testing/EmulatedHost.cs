using System.Collections.Concurrent;
using BlindAI.Attestation.Policy;
using BlindAI.Client;
using BlindAI.Client.Attestation;
using BlindAI.SampleHost;
using BlindAI.Server;
using BlindAI.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace BlindAI.Testing;

/// <summary>
/// The sample host in this process, started with exactly the switches a test gives (the production switches, or
/// <c>--simulation</c>), on loopback ports the system picks, with its log lines recorded. Shared by the TDX end-to-end
/// tests and the security suite's production-collateral tests.
/// </summary>
public sealed class EmulatedHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ListenerEndpoints _listeners;

    private EmulatedHost(WebApplication app, ListenerEndpoints listeners, ConcurrentQueue<string> logs)
    {
        _app = app;
        _listeners = listeners;
        Logs = logs;
        Untrusted = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listeners.GetEndPoint(ListenerRole.Untrusted).Port}") };
    }

    /// <summary>Every log line, message and exception, as text.</summary>
    public ConcurrentQueue<string> Logs { get; }

    /// <summary>A plain HTTP client for the untrusted port.</summary>
    public HttpClient Untrusted { get; }

    public static async Task<EmulatedHost> StartAsync(string dataDirectory, params string[] arguments)
    {
        var logs = new ConcurrentQueue<string>();
        WebApplication app = SampleHostApplication.Build(
            ["--data-dir", dataDirectory, "--untrusted-port", "0", "--attested-port", "0", "--management-port", "0", "--listen-address", "127.0.0.1", .. arguments],
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.SetMinimumLevel(LogLevel.Trace);
                builder.Logging.AddProvider(new QueueLoggerProvider(logs));
            });
        try
        {
            return new EmulatedHost(app, await SampleHostApplication.StartAsync(app, CancellationToken.None), logs);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Client options for this host's ports, with <paramref name="policy"/> and the simulation root named.</summary>
    public BlindAIClientOptions ClientOptions(AttestationPolicy policy, string simulationRoot) => new()
    {
        Server = new Uri("http://127.0.0.1"),
        UntrustedPort = _listeners.GetEndPoint(ListenerRole.Untrusted).Port,
        AttestedPort = _listeners.GetEndPoint(ListenerRole.Attested).Port,
        ManagementPort = _listeners.GetEndPoint(ListenerRole.Management).Port,
        Policy = policy,
        InsecureSimulationRoot = SimulationRoot.FromFile(simulationRoot),
    };

    public async ValueTask DisposeAsync()
    {
        Untrusted.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class QueueLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception) + (exception is null ? "" : "\n" + exception));

        public void Dispose()
        {
        }
    }
}

/// <summary>An emulator's mount point (<see cref="Mount"/>) and the host's data folder, side by side in one temporary folder.</summary>
/// <param name="mountName">The mount point's name (<c>attestation</c> for Gramine, <c>tsm</c> for configfs-tsm).</param>
public sealed class EmulatorFolder(string mountName) : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("blindai-emulated-");

    public string Root => _root.FullName;

    public string Mount => Path.Combine(Root, mountName);

    public string Data => Path.Combine(Root, "data");

    // Declared before the emulator in every test, so deleted after the emulator has unmounted.
    public void Dispose() => _root.Delete(recursive: true);
}
