using BlindAI.Enclave.Simulation;

namespace BlindAI.Enclave.Tests.Simulation;

/// <summary>One platform per test class: key generation is the slow part.</summary>
public sealed class SimulatedPlatformFixture : IDisposable
{
    public SimulatedTeePlatform Platform { get; } = SimulatedTeePlatform.Create();

    public void Dispose() => Platform.Dispose();
}
