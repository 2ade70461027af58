using BlindAI.Client;
using BlindAI.Testing;

namespace BlindAI.EndToEnd.Tests.Support;

/// <summary>
/// One real sample host (simulation mode, Kestrel, real TLS on loopback) and one client connected to it after full
/// attestation under the strict policy pinning the simulated enclave, shared by every test of the collection.
/// </summary>
public sealed class AttestedHostFixture : IAsyncLifetime
{
    public SimulatedHost Host { get; private set; } = null!;

    public BlindAIClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await SimulatedHost.StartAsync();
        Client = await BlindAIClient.ConnectAsync(Host.ClientOptions());
    }

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class AttestedHostCollection : ICollectionFixture<AttestedHostFixture>
{
    public const string Name = "one attested host and client";
}
