namespace BlindAI.Benchmarks.Inference;

/// <summary>The engine's overhead over plain ONNX Runtime, measured in alternating pairs (<see cref="PairedTiming"/>).</summary>
internal static class PairedOverhead
{
    public static int Run(string model, int pairs)
    {
        InferenceBenchmark benchmark = model switch
        {
            "minilm" => new MiniLmBenchmarks(),
            "resnet18" => new ResNet18Benchmarks(),
            "silero" => new SileroVadBenchmarks(),
            _ => throw new ArgumentException($"Unknown model '{model}': minilm, resnet18 or silero.", nameof(model)),
        };
        benchmark.Setup();
        try
        {
            PairedTiming.RunAsync(model, "InferenceSession.Run", () =>
            {
                benchmark.OnnxRuntime();
                return Task.CompletedTask;
            }, "engine", benchmark.Engine, pairs).GetAwaiter().GetResult();
            return 0;
        }
        finally
        {
            benchmark.Cleanup();
        }
    }
}
