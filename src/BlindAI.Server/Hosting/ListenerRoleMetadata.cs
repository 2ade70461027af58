namespace BlindAI.Server.Hosting;

/// <summary>Endpoint metadata: the listener an endpoint is served on. Endpoints without it are never served.</summary>
/// <param name="Role">The listener.</param>
internal sealed record ListenerRoleMetadata(ListenerRole Role);
