using BlindAI.Protocol.Tensors;
using BlindAI.Testing;

namespace BlindAI.Benchmarks.Inference;

/// <summary>Silero VAD v5, one 32 ms chunk at 16 kHz (512 samples plus 64 of context) with its recurrent state.</summary>
public class SileroVadBenchmarks : InferenceBenchmark
{
    protected override byte[] LoadModel() => TestAssets.SileroVad();

    protected override Tensor[] CreateInputs() => Inputs();

    /// <summary>The chunk and state every Silero benchmark runs (the client benchmarks too, so both sides match).</summary>
    internal static Tensor[] Inputs()
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
