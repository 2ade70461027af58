using BlindAI.Client.Attestation;
using BlindAI.Client.Connection;
using BlindAI.Client.Diagnostics;
using Microsoft.Extensions.Logging;

namespace BlindAI.Client;

/// <summary>
/// A connection to an attested BlindAI server. <see cref="ConnectAsync"/> verifies the server (Intel DCAP, policy,
/// key binding, fresh nonce) before anything is sent; afterwards every TLS connection must present the attested key.
/// Thread-safe; dispose it to close its connections.
/// </summary>
public sealed partial class BlindAIClient : IAsyncDisposable, IDisposable
{
    private readonly HttpClient _attested;
    private readonly HttpClient _management;
    private readonly HttpClient _untrusted;
    private readonly ServerAttestor _attestor;
    private readonly CertificatePins _pins;
    private readonly AttestedIdentity _firstIdentity;
    private readonly string _server;
    private readonly SemaphoreSlim _reattesting = new(1, 1);
    private readonly BlindAIClientOptions _options;
    private readonly ILogger _logger;
    private readonly ClientMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private volatile AttestationReport _attestation;
    private int _disposed;

    private BlindAIClient(ConnectedServer server, BlindAIClientOptions options, ILogger logger, ClientMetrics metrics, TimeProvider timeProvider)
    {
        _attestation = server.Attestation;
        _firstIdentity = AttestedIdentity.Of(server.Attestation.Quote);
        _untrusted = server.Untrusted;
        _attestor = server.Attestor;
        _pins = server.Pins;
        _server = server.Host;
        _options = options;
        _logger = logger;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _attested = new HttpClient(server.Handler, disposeHandler: true) { BaseAddress = server.Endpoints.Attested, Timeout = Timeout.InfiniteTimeSpan };
        _management = new HttpClient(server.Handler, disposeHandler: false) { BaseAddress = server.Endpoints.Management, Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// What was verified about the server before this client trusted it: the latest attestation. When the server
    /// presents a new certificate (it renewed its key, or restarted), the client attests it again before sending
    /// anything, and this report is replaced (<see cref="AttestationReport.Reattestations"/> counts how often).
    /// </summary>
    public AttestationReport Attestation => _attestation;

    /// <summary>
    /// The name of the client's <see cref="System.Diagnostics.ActivitySource"/> (spans <c>connect</c>, <c>attest</c>,
    /// <c>upload</c>, <c>run</c>, <c>delete</c>) and of its <see cref="System.Diagnostics.Metrics.Meter"/>
    /// (<c>blindai.client.attestations</c>, <c>blindai.client.connect.duration</c>, <c>blindai.client.request.duration</c>,
    /// <c>blindai.client.uploaded_bytes</c>). Neither ever carries tensors, model bytes, nonces or tokens.
    /// </summary>
    public const string DiagnosticsName = "BlindAI.Client";

    /// <summary>
    /// Attests the server <see cref="BlindAIClientOptions.Server"/> names and returns a client pinned to its attested key.
    /// Nothing but a random nonce is sent before verification succeeds. With dependency injection, use
    /// <see cref="BlindAIClientFactory.ConnectAsync"/> instead (it adds the container's logging, clock and meters).
    /// </summary>
    /// <param name="options">Server, ports, policy, collateral source and (insecure) simulation trust; copied, later changes have no effect.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="BlindAI.Attestation.AttestationException">The server failed verification (reason, step, violations).</exception>
    /// <exception cref="BlindAI.Attestation.AttestationFormatException">The server's evidence is malformed.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    /// <exception cref="HttpRequestException">The server cannot be reached.</exception>
    /// <exception cref="TimeoutException">The server did not answer in time.</exception>
    public static Task<BlindAIClient> ConnectAsync(BlindAIClientOptions options, CancellationToken cancellationToken = default) =>
        ClientConnector.Default.ConnectAsync(options, cancellationToken);

    internal static BlindAIClient Create(ConnectedServer server, BlindAIClientOptions options, ILogger logger, ClientMetrics metrics, TimeProvider timeProvider) =>
        new(server, options, logger, metrics, timeProvider);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _management.Dispose();
            _attested.Dispose();
            _untrusted.Dispose();
            _reattesting.Dispose();
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>What the connector hands to a new client: the first attestation and everything needed to repeat it.</summary>
    /// <param name="Host">The server's host name or address, for messages.</param>
    /// <param name="Attestation">The first attestation.</param>
    /// <param name="Endpoints">The three ports.</param>
    /// <param name="Untrusted">The untrusted-port client, kept to attest again; owned by the client.</param>
    /// <param name="Attestor">Attests the server again with the same options, policy and clock.</param>
    /// <param name="Pins">The pin checked by <paramref name="Handler"/>'s TLS callback.</param>
    /// <param name="Handler">The pinned handler for the attested and management ports; owned by the client.</param>
    internal sealed record ConnectedServer(
        string Host, AttestationReport Attestation, ServerEndpoints Endpoints, HttpClient Untrusted, ServerAttestor Attestor, CertificatePins Pins, HttpMessageHandler Handler);
}
