using System.Diagnostics;
using BlindAI.Server.Attestation;
using BlindAI.Server.Diagnostics;
using BlindAI.Server.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlindAI.Server.Hosting;

/// <summary>
/// Makes the attested identity and opens the model store while the host starts, before Kestrel (itself a hosted
/// service) opens any port: a server without a TEE fails its start with the <see cref="Enclave.Quoting.EvidenceException"/>
/// instead of listening without an identity. Once the ports are bound it logs them.
/// </summary>
internal sealed class ServerStartup : IHostedLifecycleService
{
    private readonly ServerIdentity _identity;
    private readonly MappedRoutes _routes;
    private readonly IServiceProvider _services;
    private readonly BlindAIServerOptions _options;
    private readonly ILogger _logger;
    private long _started;

    public ServerStartup(ServerIdentity identity, MappedRoutes routes, IServiceProvider services, IOptions<BlindAIServerOptions> options, ILogger<ServerStartup> logger)
    {
        _identity = identity;
        _routes = routes;
        _services = services;
        _options = options.Value;
        _logger = logger;
    }

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        _started = Stopwatch.GetTimestamp();
        await _identity.InitializeAsync(cancellationToken).ConfigureAwait(false);
        if (_routes.ServesModels)
        {
            // Only a server that runs or manages models opens (and restores) the sealed store: an application that
            // maps the evidence routes alone never touches a sealing key.
            ModelStore store = _services.GetRequiredService<ModelStore>();
            await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        ListenerEndpoints listeners = _services.GetRequiredService<ListenerEndpoints>();
        if (listeners.IsConfigured)
        {
            HostLog.Listening(
                _logger,
                listeners.GetEndPoint(ListenerRole.Untrusted).ToString(),
                listeners.GetEndPoint(ListenerRole.Attested).ToString(),
                listeners.GetEndPoint(ListenerRole.Management).ToString());
            if (_options.ManagementTokenSha256 is null && !_options.Simulation)
            {
                HostLog.ManagementWithoutToken(_logger, listeners.GetEndPoint(ListenerRole.Management).ToString());
            }
        }

        using var process = Process.GetCurrentProcess();
        HostLog.Started(_logger, (long)Stopwatch.GetElapsedTime(_started).TotalMilliseconds, (long)(DateTime.Now - process.StartTime).TotalMilliseconds);
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
