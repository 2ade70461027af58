using BlindAI.Protocol.Tensors;
using BlindAI.Testing;

namespace BlindAI.Benchmarks.Inference;

/// <summary>all-MiniLM-L6-v2, one sequence of 128 tokens.</summary>
public class MiniLmBenchmarks : InferenceBenchmark
{
    private const int Sequence = 128;

    protected override byte[] LoadModel() => TestAssets.MiniLmModel();

    protected override Tensor[] CreateInputs()
    {
        var random = new Random(128);
        long[] ids = [101, .. Enumerable.Range(0, Sequence - 2).Select(_ => (long)random.Next(1000, 30000)), 102];
        long[] shape = [1, Sequence];
        return
        [
            Tensor.Create<long>(ids, shape, "input_ids"),
            Tensor.Create<long>(Enumerable.Repeat(1L, Sequence).ToArray(), shape, "attention_mask"),
            Tensor.Create<long>(new long[Sequence], shape, "token_type_ids"),
        ];
    }
}
