using BlindAI.Benchmarks.Inference;
using BlindAI.Protocol.Tensors;
using BlindAI.Testing;

namespace BlindAI.Benchmarks.Client;

/// <summary>Silero VAD v5, one 32 ms chunk at 16 kHz with its state. Target: client overhead ≤ 250 µs per call.</summary>
public class SileroVadClientBenchmarks : RunModelBenchmark
{
    protected override byte[] LoadModel() => TestAssets.SileroVad();

    protected override Tensor[] CreateInputs() => SileroVadBenchmarks.Inputs();
}
