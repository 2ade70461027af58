using BlindAI.Benchmarks.Inference;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Benchmarks.Client;

/// <summary>Silero VAD v5, one 32 ms chunk at 16 kHz with its state. Target: client overhead ≤ 250 µs per call.</summary>
public class SileroVadClientBenchmarks : RunModelBenchmark
{
    protected override byte[] LoadModel() => BenchmarkAssets.SileroVad();

    protected override Tensor[] CreateInputs()
    {
        var random = new Random(576);
        return
        [
            Tensor.Create<float>(Enumerable.Range(0, 576).Select(_ => (float)((random.NextDouble() * 0.2) - 0.1)).ToArray(), [1, 576], "input"),
            Tensor.Create<float>(new float[2 * 128], [2, 1, 128], "state"),
            Tensor.Create<long>([16000], [], "sr"),
        ];
    }
}
