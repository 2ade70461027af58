using Microsoft.Extensions.Hosting;

namespace BlindAI.Server.Hosting;

/// <summary>Whether the host is draining: readiness turns false as soon as shutdown begins.</summary>
internal sealed class ShutdownState
{
    public ShutdownState(IHostApplicationLifetime lifetime) => Lifetime = lifetime;

    private IHostApplicationLifetime Lifetime { get; }

    public bool IsStopping => Lifetime.ApplicationStopping.IsCancellationRequested;
}
