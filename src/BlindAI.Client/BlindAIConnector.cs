using System.Diagnostics;
using System.Diagnostics.Metrics;
using BlindAI.Attestation;
using BlindAI.Client.Attestation;
using BlindAI.Client.Connection;
using BlindAI.Client.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlindAI.Client;

/// <summary>
/// Makes <see cref="BlindAIClient"/>s with a logger, a clock and a meter factory (dependency injection registers one);
/// <see cref="BlindAIClient.ConnectAsync"/> uses a default one without logging.
/// </summary>
public sealed class BlindAIConnector
{
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly ClientMetrics _metrics;

    /// <summary>Creates a connector.</summary>
    /// <param name="loggerFactory">Logging (never receives tensors, models, nonces or tokens); none when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock used to check collateral validity; the system clock when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <c>BlindAI.Client</c> meter; a process-wide meter when <see langword="null"/>.</param>
    public BlindAIConnector(ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, IMeterFactory? meterFactory = null)
    {
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<BlindAIClient>();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _metrics = meterFactory is null ? ClientMetrics.Default : new ClientMetrics(meterFactory);
    }

    internal static BlindAIConnector Default { get; } = new();

    /// <summary>Attests the server at <paramref name="host"/> and returns a client pinned to its attested key.</summary>
    /// <param name="host">The server's host name or IP address.</param>
    /// <param name="options">Ports, policy, collateral source and (insecure) simulation trust; copied, later changes have no effect.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="AttestationException">The server failed verification.</exception>
    /// <exception cref="AttestationFormatException">The server's evidence is malformed.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="HttpRequestException">The server cannot be reached.</exception>
    /// <exception cref="TimeoutException">The server did not answer in time.</exception>
    public async Task<BlindAIClient> ConnectAsync(string host, BlindAIClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        BlindAIClientOptions snapshot = Copy(options);
        snapshot.Validate(requireServer: false);
        ServerEndpoints endpoints = ServerEndpoints.For(host, snapshot);
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
            ClientLog.AttestationFailed(_logger, host, ex.Step, ex.Reason);
            _metrics.Attestation("rejected", 0);
            throw;
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            untrusted.Dispose();
            throw new TimeoutException($"The server {host} did not complete attestation within {snapshot.RequestTimeout}.", ex);
        }
        catch
        {
            untrusted.Dispose();
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
        catch
        {
            client.Dispose();
            throw;
        }

        double elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        _metrics.Attestation("verified", elapsed);
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

    private static BlindAIClientOptions Copy(BlindAIClientOptions options) => new()
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
}
