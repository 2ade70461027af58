using System.Diagnostics;
using System.Diagnostics.Metrics;
using BlindAI.Attestation;
using BlindAI.Client.Attestation;
using BlindAI.Client.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlindAI.Client.Connection;

/// <summary>
/// Attests a server and makes the <see cref="BlindAIClient"/> pinned to it, with a logger, a clock and a meter:
/// <see cref="BlindAIClient.ConnectAsync"/> uses one without logging, <see cref="BlindAIClientFactory"/> one made from the
/// container's services.
/// </summary>
internal sealed class ClientConnector
{
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly ClientMetrics _metrics;

    public ClientConnector(ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, IMeterFactory? meterFactory = null)
    {
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<BlindAIClient>();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _metrics = meterFactory is null ? ClientMetrics.Default : new ClientMetrics(meterFactory);
    }

    public static ClientConnector Default { get; } = new();

    /// <summary>Attests the server <see cref="BlindAIClientOptions.Server"/> names and returns a client pinned to its attested key.</summary>
    /// <param name="options">Copied: later changes have no effect.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    public async Task<BlindAIClient> ConnectAsync(BlindAIClientOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        BlindAIClientOptions snapshot = Copy(options);
        snapshot.Validate();
        ServerEndpoints endpoints = ServerEndpoints.For(snapshot);
        string host = endpoints.Untrusted.Authority;
        using Activity? connect = ClientActivities.Start("connect", endpoints.Untrusted);
        if (snapshot.InsecureSimulationRoot is { } root)
        {
            ClientLog.TrustingSimulationRoot(_logger, root.ToTrustAnchor().Sha256Hex, host);
        }

        long started = Stopwatch.GetTimestamp();
        var verifier = new EvidenceVerifier(snapshot.Policy, snapshot.InsecureSimulationRoot, _timeProvider);
        AttestationReport report;
        HttpClient untrusted = ServerAttestor.CreateUntrustedClient(endpoints, snapshot);
        var attestor = new ServerAttestor(untrusted, snapshot, verifier, _logger);
        try
        {
            report = await attestor.AttestAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AttestationException ex)
        {
            untrusted.Dispose();
            ClientActivities.Fail(connect, ex);
            ClientLog.AttestationFailed(_logger, host, ex.Step, ex.Reason);
            _metrics.Attestation("rejected", 0);
            throw;
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            untrusted.Dispose();
            var timeout = new TimeoutException($"The server {host} did not complete attestation within {snapshot.RequestTimeout}.", ex);
            ClientActivities.Fail(connect, timeout);
            throw timeout;
        }
        catch (Exception ex)
        {
            untrusted.Dispose();
            ClientActivities.Fail(connect, ex);
            throw;
        }

        // Only now, with the key verified, is a channel built that can carry models and data. The client keeps the
        // untrusted-port client and the attestor: when the server later presents a new certificate, it is attested again.
        var pins = new CertificatePins(report.PublicKeySha256.ToArray());
        SocketsHttpHandler handler = pins.CreateHandler(snapshot.ConnectTimeout);
        BlindAIClient client = BlindAIClient.Create(
            new BlindAIClient.ConnectedServer(host, report, endpoints, untrusted, attestor, pins, handler), snapshot, _logger, _metrics, _timeProvider);
        try
        {
            await client.ProbeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            client.Dispose();
            ClientActivities.Fail(connect, ex);
            throw;
        }

        double elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        _metrics.Attestation("verified", elapsed);
        ClientActivities.Attested(connect, report);
        ClientLog.Attested(
            _logger,
            host,
            report.Verification.TcbStatus.ToString(),
            report.Quote.SgxReport?.MrEnclave.ToString() ?? report.Quote.TdReport?.MrTd.ToString() ?? "-",
            report.FreshnessVerified,
            report.IsSimulation,
            elapsed * 1000);
        return client;
    }

    private static BlindAIClientOptions Copy(BlindAIClientOptions options)
    {
        var copy = new BlindAIClientOptions
        {
            Server = options.Server,
            UntrustedPort = options.UntrustedPort,
            AttestedPort = options.AttestedPort,
            ManagementPort = options.ManagementPort,
            Policy = options.Policy,
            CollateralProvider = options.CollateralProvider,
            InsecureSimulationRoot = options.InsecureSimulationRoot,
            FreshEvidence = options.FreshEvidence,
            ManagementToken = options.ManagementToken,
            RequestTimeout = options.RequestTimeout,
            ConnectTimeout = options.ConnectTimeout,
        };
        copy.BindingErrors.AddRange(options.BindingErrors);
        return copy;
    }
}
