using BlindAI.Benchmarks.Inference;
using BlindAI.Protocol.Tensors;
using BlindAI.Testing;

namespace BlindAI.Benchmarks.Client;

/// <summary>ResNet-18 features of one 224×224 RGB image (602 KB of input). Target: client overhead ≤ 5 %.</summary>
public class ResNet18ClientBenchmarks : RunModelBenchmark
{
    protected override byte[] LoadModel() => TestAssets.ResNet18();

    protected override Tensor[] CreateInputs() => ResNet18Benchmarks.Inputs();
}
