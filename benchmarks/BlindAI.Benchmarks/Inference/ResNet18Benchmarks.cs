using BlindAI.Protocol.Tensors;
using BlindAI.Testing;

namespace BlindAI.Benchmarks.Inference;

/// <summary>ResNet-18 features of one 224×224 RGB image.</summary>
public class ResNet18Benchmarks : InferenceBenchmark
{
    protected override byte[] LoadModel() => TestAssets.ResNet18();

    protected override Tensor[] CreateInputs() => Inputs();

    /// <summary>The image every ResNet-18 benchmark runs (the client benchmarks too, so both sides match).</summary>
    internal static Tensor[] Inputs()
    {
        var random = new Random(224);
        return [Tensor.Create<float>(Enumerable.Range(0, 3 * 224 * 224).Select(_ => (float)random.Next(256)).ToArray(), [1, 3, 224, 224])];
    }
}
