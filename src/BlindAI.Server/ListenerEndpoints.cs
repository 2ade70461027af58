using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace BlindAI.Server;

/// <summary>
/// The listeners as Kestrel bound them. Ports configured as 0 are known only after start; requests are routed to a
/// listener's endpoints by the local port they arrived on.
/// </summary>
public sealed class ListenerEndpoints
{
    private readonly Dictionary<ListenerRole, ListenOptions> _listeners = [];

    /// <summary>The bound endpoint of a listener (after start).</summary>
    /// <param name="role">The listener.</param>
    /// <returns>Its address and port.</returns>
    public IPEndPoint GetEndPoint(ListenerRole role) =>
        _listeners.TryGetValue(role, out ListenOptions? options) && options.IPEndPoint is { } endPoint
            ? endPoint
            : throw new InvalidOperationException($"The {role} listener is not configured.");

    /// <summary>The listener a request arrived on, by its local port.</summary>
    /// <param name="localPort">The connection's local port.</param>
    /// <returns>The listener, or <see langword="null"/> when none has this port.</returns>
    public ListenerRole? RoleOf(int localPort)
    {
        foreach ((ListenerRole role, ListenOptions options) in _listeners)
        {
            if (options.IPEndPoint?.Port == localPort)
            {
                return role;
            }
        }

        return null;
    }

    /// <summary>Whether the three listeners were configured (<c>ListenBlindAI</c>), rather than the application's own.</summary>
    internal bool IsConfigured => _listeners.Count == 3;

    internal void Register(ListenerRole role, ListenOptions options) => _listeners[role] = options;
}
