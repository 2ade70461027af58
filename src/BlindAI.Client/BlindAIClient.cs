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
    private readonly BlindAIClientOptions _options;
    private readonly ILogger _logger;
    private readonly ClientMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private int _disposed;

    private BlindAIClient(AttestationReport attestation, HttpMessageHandler handler, ServerEndpoints endpoints, BlindAIClientOptions options, ILogger logger, ClientMetrics metrics, TimeProvider timeProvider)
    {
        Attestation = attestation;
        _options = options;
        _logger = logger;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _attested = new HttpClient(handler, disposeHandler: true) { BaseAddress = endpoints.Attested, Timeout = Timeout.InfiniteTimeSpan };
        _management = new HttpClient(handler, disposeHandler: false) { BaseAddress = endpoints.Management, Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>What was verified about the server before this client trusted it.</summary>
    public AttestationReport Attestation { get; }

    /// <summary>
    /// Attests the server at <paramref name="host"/> and returns a client pinned to its attested key. Nothing but a
    /// random nonce is sent before verification succeeds.
    /// </summary>
    /// <param name="host">The server's host name or IP address.</param>
    /// <param name="options">Ports, policy, collateral source and (insecure) simulation trust.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="BlindAI.Attestation.AttestationException">The server failed verification (reason, step, violations).</exception>
    /// <exception cref="BlindAI.Attestation.AttestationFormatException">The server's evidence is malformed.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="HttpRequestException">The server cannot be reached.</exception>
    /// <exception cref="TimeoutException">The server did not answer in time.</exception>
    public static Task<BlindAIClient> ConnectAsync(string host, BlindAIClientOptions options, CancellationToken cancellationToken = default) =>
        BlindAIConnector.Default.ConnectAsync(host, options, cancellationToken);

    internal static BlindAIClient Create(AttestationReport attestation, HttpMessageHandler handler, ServerEndpoints endpoints, BlindAIClientOptions options, ILogger logger, ClientMetrics metrics, TimeProvider timeProvider) =>
        new(attestation, handler, endpoints, options, logger, metrics, timeProvider);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _management.Dispose();
            _attested.Dispose();
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
