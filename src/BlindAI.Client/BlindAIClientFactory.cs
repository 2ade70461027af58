using BlindAI.Client.Connection;
using BlindAI.Client.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BlindAI.Client;

/// <summary>
/// Connects the named <see cref="BlindAIClient"/>s registered with
/// <see cref="Microsoft.Extensions.DependencyInjection.BlindAIClientServiceCollectionExtensions.AddBlindAIClient(Microsoft.Extensions.DependencyInjection.IServiceCollection, string, Action{BlindAIClientOptions})"/>,
/// with the container's logging, <see cref="TimeProvider"/> and meters. Resolve it from the container.
/// </summary>
public sealed class BlindAIClientFactory
{
    private readonly ClientConnector _connector;
    private readonly IOptionsMonitor<BlindAIClientOptions> _options;
    private readonly HashSet<string> _names;

    internal BlindAIClientFactory(ClientConnector connector, IOptionsMonitor<BlindAIClientOptions> options, IEnumerable<ClientRegistration> registrations)
    {
        _connector = connector;
        _options = options;
        _names = new HashSet<string>(registrations.Select(r => r.Name), StringComparer.Ordinal);
    }

    /// <summary>Attests the server of the client registered as <paramref name="name"/> and returns a client pinned to its key; the caller disposes it.</summary>
    /// <param name="name">The name given to <c>AddBlindAIClient</c>.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="InvalidOperationException">No client is registered under <paramref name="name"/>.</exception>
    /// <exception cref="OptionsValidationException">The named options are invalid.</exception>
    /// <exception cref="BlindAI.Attestation.AttestationException">The server failed verification.</exception>
    public Task<BlindAIClient> ConnectAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_names.Contains(name))
        {
            throw new InvalidOperationException($"No BlindAI client named '{name}' is registered; registered: {string.Join(", ", _names.Order(StringComparer.Ordinal).Select(n => $"'{n}'"))}.");
        }

        return _connector.ConnectAsync(_options.Get(name), cancellationToken);
    }
}
