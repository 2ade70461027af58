namespace BlindAI.Testing;

/// <summary>Two genuine simulated hosts (each with its own platform and key) shared by the tests of a collection.</summary>
public sealed class HostFixture : IAsyncLifetime
{
    public SimulatedHost Host { get; private set; } = null!;

    public SimulatedHost Other { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await SimulatedHost.StartAsync();
        Other = await SimulatedHost.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Other.DisposeAsync();
    }
}
