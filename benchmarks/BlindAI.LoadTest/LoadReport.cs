using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BlindAI.LoadTest;

/// <summary>Throughput and latency of one kind of operation.</summary>
internal sealed record OperationSummary(string Operation, long Succeeded, long Failed, double PerSecond, double P50Ms, double P99Ms, double MaxMs);

/// <summary>The trend of one memory series after warm-up.</summary>
/// <param name="Series">Which reading.</param>
/// <param name="AtWarmupEndMiB">Mean of the first quarter of the samples after warm-up.</param>
/// <param name="AtEndMiB">Mean of the last quarter.</param>
/// <param name="GrowthMiB">The difference of the two means (shown, not judged: it follows the collector's timing).</param>
/// <param name="SlopeMiBPerMinute">Least-squares slope over all samples after warm-up.</param>
/// <param name="PeakMiB">Largest sample of the whole run.</param>
/// <param name="FloorGrowthMiB">
/// Lowest sample of the second half after warm-up minus the lowest of the first half: collections and buffer churn move
/// the peaks and the means by hundreds of MiB, a leak raises the floor. This is what the check bounds.
/// </param>
internal sealed record MemoryTrend(string Series, double AtWarmupEndMiB, double AtEndMiB, double GrowthMiB, double SlopeMiBPerMinute, double PeakMiB, double FloorGrowthMiB);

/// <summary>Everything one run measured, and its verdict.</summary>
internal sealed record LoadReport
{
    public required string Command { get; init; }

    public required DateTimeOffset StartedUtc { get; init; }

    public required int Clients { get; init; }

    public required double Seconds { get; init; }

    public required double WarmupSeconds { get; init; }

    public required bool HostInProcess { get; init; }

    /// <summary>Settings given to the in-process host with <c>--set</c>.</summary>
    public IReadOnlyDictionary<string, string?>? HostSettings { get; init; }

    public required string LoadAverageAtStart { get; init; }

    public required string LoadAverageAtEnd { get; init; }

    public required double ConnectP50Ms { get; init; }

    public required double OperationsPerSecond { get; init; }

    public required IReadOnlyList<OperationSummary> Operations { get; init; }

    /// <summary>Failures by kind over all operations; <c>busy-503</c> is intended backpressure.</summary>
    public required IReadOnlyDictionary<string, long> Failures { get; init; }

    public required long UnexpectedFailures { get; init; }

    public required IReadOnlyList<MemoryTrend> Memory { get; init; }

    public required double MaxGrowthMiB { get; init; }

    public required IReadOnlyList<MemorySample> MemorySamples { get; init; }

    /// <summary>Managed heap after a forced full compacting collection just before the measured run.</summary>
    public double RetainedManagedAtStartMiB { get; init; }

    /// <summary>The same just after it: the difference is managed memory the load left behind.</summary>
    public double RetainedManagedAtEndMiB { get; init; }

    /// <summary>Models the host holds after the run (in-process only): the two shared ones, or a leak.</summary>
    public int? ModelsLeftOnHost { get; init; }

    /// <summary>Sealed files in the host's model folder after the run (in-process only): two per model.</summary>
    public int? SealedFilesLeft { get; init; }

    public required IReadOnlyList<string> Problems { get; init; }

    public int ExitCode => Problems.Count == 0 ? 0 : UnexpectedFailures > 0 || Problems.Any(p => !p.StartsWith("memory", StringComparison.Ordinal)) ? 1 : 3;

    public static OperationSummary Summarize(string operation, List<double>? latencies, long failed, double seconds)
    {
        if (latencies is null || latencies.Count == 0)
        {
            return new OperationSummary(operation, 0, failed, 0, 0, 0, 0);
        }

        latencies.Sort();
        return new OperationSummary(operation, latencies.Count, failed, Round(latencies.Count / seconds), Round(Percentile(latencies, 0.50)), Round(Percentile(latencies, 0.99)), Round(latencies[^1]));
    }

    public static MemoryTrend Trend(string series, IReadOnlyList<MemorySample> samples, Func<MemorySample, double> value, double warmupSeconds)
    {
        MemorySample[] after = [.. samples.Where(s => s.Seconds >= warmupSeconds)];
        double peak = samples.Count == 0 ? 0 : samples.Max(value);
        if (after.Length < 2)
        {
            return new MemoryTrend(series, 0, 0, 0, 0, peak, 0);
        }

        int quarter = Math.Max(1, after.Length / 4);
        double start = after.Take(quarter).Average(value);
        double end = after.TakeLast(quarter).Average(value);
        double meanX = after.Average(s => s.Seconds), meanY = after.Average(value);
        double covariance = after.Sum(s => (s.Seconds - meanX) * (value(s) - meanY));
        double variance = after.Sum(s => (s.Seconds - meanX) * (s.Seconds - meanX));
        double slope = variance == 0 ? 0 : covariance / variance * 60;
        int half = after.Length / 2;
        double floorGrowth = after.Skip(half).Min(value) - after.Take(Math.Max(1, half)).Min(value);
        return new MemoryTrend(series, Round(start), Round(end), Round(end - start), Round(slope), Round(peak), Round(floorGrowth));
    }

    public string ToText()
    {
        var text = new StringBuilder();
        IFormatProvider f = CultureInfo.InvariantCulture;
        text.AppendLine(f, $"BlindAI load test: {Clients} clients for {Seconds:0} s (warm-up {WarmupSeconds:0} s), host {(HostInProcess ? "in this process" : "external")}");
        if (HostSettings is { Count: > 0 })
        {
            text.AppendLine("host settings: " + string.Join(", ", HostSettings.Select(s => $"{s.Key}={s.Value}")));
        }

        text.AppendLine(f, $"load average at start {LoadAverageAtStart}, at end {LoadAverageAtEnd}; attested connect p50 {ConnectP50Ms:0.#} ms");
        text.AppendLine();
        text.AppendLine(f, $"{"operation",-14}{"ok",9}{"failed",8}{"per s",9}{"p50 ms",9}{"p99 ms",9}{"max ms",9}");
        foreach (OperationSummary o in Operations)
        {
            text.AppendLine(f, $"{o.Operation,-14}{o.Succeeded,9}{o.Failed,8}{o.PerSecond,9:0.0}{o.P50Ms,9:0.0}{o.P99Ms,9:0.0}{o.MaxMs,9:0.0}");
        }

        text.AppendLine(f, $"{"all",-14}{Operations.Sum(o => o.Succeeded),9}{Operations.Sum(o => o.Failed),8}{OperationsPerSecond,9:0.0}");
        text.AppendLine();
        text.AppendLine(Failures.Count == 0
            ? "failures: none"
            : "failures: " + string.Join(", ", Failures.Select(e => string.Create(f, $"{e.Key} {e.Value}{(e.Key == OperationLog.Busy ? " (intended backpressure)" : string.Empty)}"))));
        text.AppendLine();
        text.AppendLine(f, $"memory after warm-up ({MemorySamples.Count} samples, 1 per second; bound {MaxGrowthMiB:0} MiB on the working-set floor and the retained heap):");
        foreach (MemoryTrend m in Memory)
        {
            text.AppendLine(f, $"  {m.Series,-22} {m.AtWarmupEndMiB,8:0.0} -> {m.AtEndMiB,8:0.0} MiB (quarter means)  slope {m.SlopeMiBPerMinute,6:+0.0;-0.0} MiB/min  floor growth {m.FloorGrowthMiB,6:+0.0;-0.0} MiB  peak {m.PeakMiB,7:0.0} MiB");
        }

        text.AppendLine(f, $"  retained managed heap (forced full GC)  {RetainedManagedAtStartMiB,8:0.0} -> {RetainedManagedAtEndMiB,8:0.0} MiB  growth {RetainedManagedAtEndMiB - RetainedManagedAtStartMiB,7:+0.0;-0.0} MiB");
        if (ModelsLeftOnHost is not null)
        {
            text.AppendLine(f, $"host after the run: {ModelsLeftOnHost} models loaded, {SealedFilesLeft} sealed files (expected 2 and 4)");
        }

        text.AppendLine();
        text.AppendLine(Problems.Count == 0 ? "PASSED" : "FAILED:\n  " + string.Join("\n  ", Problems));
        return text.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double Round(double value) => Math.Round(value, 2);
}
