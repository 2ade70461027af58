namespace BlindAI.Benchmarks.Client;

/// <summary>
/// The client–server overhead per call, measured in alternating pairs (<see cref="PairedTiming"/>): the host's engine
/// called in-process against <c>BlindAIClient.RunModelAsync</c> over loopback on the same model and inputs.
/// </summary>
internal static class PairedClientOverhead
{
    public static int Run(string model, int pairs)
    {
        RunModelBenchmark benchmark = model switch
        {
            "resnet18" => new ResNet18ClientBenchmarks(),
            "silero" => new SileroVadClientBenchmarks(),
            _ => throw new ArgumentException($"Unknown model '{model}': resnet18 or silero.", nameof(model)),
        };
        benchmark.Setup();
        try
        {
            PairedTiming.Run(model, "engine", () => benchmark.Engine().GetAwaiter().GetResult(), "RunModelAsync", () => benchmark.Client().GetAwaiter().GetResult(), pairs);
            return 0;
        }
        finally
        {
            benchmark.Cleanup();
        }
    }
}
