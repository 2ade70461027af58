using Microsoft.Extensions.Options;

namespace BlindAI.Client.DependencyInjection;

/// <summary>Connects <see cref="BlindAIClient"/>s to the server configured with <see cref="BlindAIClientServiceCollectionExtensions.AddBlindAIClient"/>.</summary>
public sealed class BlindAIClientFactory
{
    private readonly BlindAIConnector _connector;
    private readonly IOptionsMonitor<BlindAIClientOptions> _options;

    /// <summary>Creates the factory.</summary>
    /// <param name="connector">The connector (logging, clock, metrics).</param>
    /// <param name="options">The validated options.</param>
    public BlindAIClientFactory(BlindAIConnector connector, IOptionsMonitor<BlindAIClientOptions> options)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(options);
        _connector = connector;
        _options = options;
    }

    /// <summary>Attests the configured server and returns a client pinned to its key; the caller disposes it.</summary>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="BlindAI.Attestation.AttestationException">The server failed verification.</exception>
    public Task<BlindAIClient> ConnectAsync(CancellationToken cancellationToken = default)
    {
        BlindAIClientOptions options = _options.CurrentValue;
        Uri server = options.Server ?? throw new OptionsValidationException(nameof(BlindAIClientOptions), typeof(BlindAIClientOptions), ["Server is required."]);
        return _connector.ConnectAsync(server.IdnHost, options, cancellationToken);
    }
}
