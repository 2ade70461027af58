namespace BlindAI.SampleHost.Tests.Support;

/// <summary>One simulation host shared by a test class.</summary>
public sealed class SimulationHostFixture : IAsyncLifetime
{
    internal RunningHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await RunningHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
