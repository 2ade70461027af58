using BenchmarkDotNet.Attributes;
using BlindAI.Client;

namespace BlindAI.Benchmarks.Client;

/// <summary>
/// A warm <see cref="BlindAIClient.ConnectAsync"/> to the in-process sample host over loopback: certificate and
/// evidence fetch, DCAP verification of the certificate's quote and of the fresh nonce-bound quote, policy, and the
/// first pinned TLS handshake on the attested port. Target (issue 7 §6): ≤ 25 ms.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ConnectBenchmarks
{
    private LoopbackHost _host = null!;

    [GlobalSetup]
    public void Setup()
    {
        _host = LoopbackHost.Start();

        // Warm: the first connection pays for JIT and for the host's first quote and collateral.
        _host.Connect().Dispose();
    }

    [GlobalCleanup]
    public void Cleanup() => _host.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "BlindAIClient.ConnectAsync (attestation + TLS), warm")]
    public async Task<bool> Connect()
    {
        await using BlindAIClient client = await BlindAIClient.ConnectAsync(_host.ClientOptions).ConfigureAwait(false);
        return client.Attestation.FreshnessVerified;
    }
}
