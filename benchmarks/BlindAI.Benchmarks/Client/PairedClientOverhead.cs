namespace BlindAI.Benchmarks.Client;

/// <summary>
/// The client–server overhead per call, measured in alternating pairs (<see cref="PairedTiming"/>): the host's engine
/// called in-process against <c>BlindAIClient.RunModelAsync</c> over loopback on the same model and inputs.
/// </summary>
internal static class PairedClientOverhead
{
    public static int Run(string model, int pairs, bool stages)
    {
        RunModelBenchmark benchmark = model switch
        {
            "resnet18" => new ResNet18ClientBenchmarks(),
            "silero" => new SileroVadClientBenchmarks(),
            _ => throw new ArgumentException($"Unknown model '{model}': resnet18 or silero.", nameof(model)),
        };
        // Off by default: listening makes every instrument record, which the figure would then include.
        using StageDurations? durations = stages ? new StageDurations() : null;
        benchmark.Setup();
        try
        {
            PairedTiming.RunAsync(model, "engine", benchmark.Engine, "RunModelAsync", benchmark.Client, pairs, durations is null ? null : durations.Reset).GetAwaiter().GetResult();
            if (durations is not null)
            {
                Console.WriteLine("Stage medians (both calls of every pair, and the CPU passes):");
                Console.WriteLine(durations);
            }

            return 0;
        }
        finally
        {
            benchmark.Cleanup();
        }
    }
}
