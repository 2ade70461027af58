using System.Diagnostics;
using System.Globalization;

namespace BlindAI.Benchmarks;

/// <summary>
/// Times two calls in pairs: each pair runs both once, in alternating order, and the median of the per-pair
/// differences is the overhead of the second over the first. Drift in machine load hits both calls of a pair alike,
/// which BenchmarkDotNet's separate runs of each method cannot cancel on a shared two-core machine.
/// </summary>
internal static class PairedTiming
{
    /// <summary>
    /// Warms both calls up, times <paramref name="pairs"/> pairs and prints one line of medians. The calls are awaited, as an
    /// asynchronous caller would, so a completion continues on the thread that completed it instead of waking a blocked one.
    /// </summary>
    /// <param name="label">What is measured (printed first).</param>
    /// <param name="baselineName">The baseline's name in the printed line.</param>
    /// <param name="baseline">The baseline call.</param>
    /// <param name="candidateName">The measured call's name in the printed line.</param>
    /// <param name="candidate">The call whose overhead over the baseline is reported.</param>
    /// <param name="pairs">How many pairs to time.</param>
    /// <param name="warmedUp">Called once the warm-up is over, before the first timed pair.</param>
    public static async Task RunAsync(string label, string baselineName, Func<Task> baseline, string candidateName, Func<Task> candidate, int pairs, Action? warmedUp = null)
    {
        for (int i = 0; i < Math.Max(20, pairs / 10); i++)
        {
            await baseline().ConfigureAwait(false);
            await candidate().ConfigureAwait(false);
        }

        warmedUp?.Invoke();
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        var first = new double[pairs];
        var second = new double[pairs];
        var difference = new double[pairs];
        for (int i = 0; i < pairs; i++)
        {
            if (i % 2 == 0)
            {
                first[i] = await TimeAsync(baseline).ConfigureAwait(false);
                second[i] = await TimeAsync(candidate).ConfigureAwait(false);
            }
            else
            {
                second[i] = await TimeAsync(candidate).ConfigureAwait(false);
                first[i] = await TimeAsync(baseline).ConfigureAwait(false);
            }

            difference[i] = second[i] - first[i];
        }

        double baselineCpu = await CpuPerCallAsync(baseline, pairs).ConfigureAwait(false);
        double candidateCpu = await CpuPerCallAsync(candidate, pairs).ConfigureAwait(false);
        double baselineMedian = Median(first);
        double overhead = Median(difference);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{label}: {pairs} pairs; {baselineName} median {baselineMedian:F1} µs (min {first.Min():F1}); {candidateName} median {Median(second):F1} µs (min {second.Min():F1}); overhead = median of differences {overhead:F1} µs ({overhead / baselineMedian * 100:F2} %); GCs gen0/1/2 {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}; process CPU per call (all threads, {pairs} calls in a row) {baselineName} {baselineCpu:F1} µs, {candidateName} {candidateCpu:F1} µs"));
    }

    /// <summary>The process's CPU time (user and kernel, every thread) per call over <paramref name="calls"/> calls in a row.</summary>
    private static async Task<double> CpuPerCallAsync(Func<Task> call, int calls)
    {
        using var process = Process.GetCurrentProcess();
        TimeSpan before = process.TotalProcessorTime;
        for (int i = 0; i < calls; i++)
        {
            await call().ConfigureAwait(false);
        }

        process.Refresh();
        return (process.TotalProcessorTime - before).TotalMicroseconds / calls;
    }

    private static async Task<double> TimeAsync(Func<Task> call)
    {
        long started = Stopwatch.GetTimestamp();
        await call().ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(started).TotalMicroseconds;
    }

    private static double Median(double[] values)
    {
        double[] sorted = [.. values.Order()];
        return sorted[sorted.Length / 2];
    }
}
