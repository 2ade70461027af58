using System.Diagnostics;
using System.Globalization;

namespace BlindAI.Benchmarks.Inference;

/// <summary>
/// The engine's overhead over plain ONNX Runtime measured in pairs: each pair runs both once, in alternating order, and
/// the median of the per-pair differences is reported. Drift in machine load hits both calls of a pair alike, which
/// BenchmarkDotNet's separate runs of each method cannot cancel on a shared two-core machine.
/// </summary>
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
            for (int i = 0; i < Math.Max(20, pairs / 10); i++)
            {
                benchmark.OnnxRuntime();
                benchmark.Engine().GetAwaiter().GetResult();
            }

            var plain = new double[pairs];
            var engine = new double[pairs];
            var difference = new double[pairs];
            for (int i = 0; i < pairs; i++)
            {
                if (i % 2 == 0)
                {
                    plain[i] = Time(() => benchmark.OnnxRuntime());
                    engine[i] = Time(() => benchmark.Engine().GetAwaiter().GetResult());
                }
                else
                {
                    engine[i] = Time(() => benchmark.Engine().GetAwaiter().GetResult());
                    plain[i] = Time(() => benchmark.OnnxRuntime());
                }

                difference[i] = engine[i] - plain[i];
            }

            double plainMedian = Median(plain);
            double overhead = Median(difference);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{model}: {pairs} pairs; InferenceSession.Run median {plainMedian:F1} µs (min {plain.Min():F1}); engine median {Median(engine):F1} µs (min {engine.Min():F1}); overhead = median of differences {overhead:F1} µs ({overhead / plainMedian * 100:F2} %)"));
            return 0;
        }
        finally
        {
            benchmark.Cleanup();
        }
    }

    private static double Time(Action call)
    {
        long started = Stopwatch.GetTimestamp();
        call();
        return Stopwatch.GetElapsedTime(started).TotalMicroseconds;
    }

    private static double Median(double[] values)
    {
        double[] sorted = [.. values.Order()];
        return sorted[sorted.Length / 2];
    }
}
