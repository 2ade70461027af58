namespace BlindAI.LoadTest;

/// <summary>What one client saw: latencies of successful operations by kind, and failures by kind. Not shared between threads.</summary>
internal sealed class OperationLog
{
    /// <summary>The failure kind of a 503 <c>busy</c> refusal: intended backpressure, not an error.</summary>
    public const string Busy = "busy-503";

    public Dictionary<string, List<double>> LatenciesMs { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Dictionary<string, long>> Failures { get; } = new(StringComparer.Ordinal);

    public void Succeeded(string operation, TimeSpan elapsed)
    {
        if (!LatenciesMs.TryGetValue(operation, out List<double>? list))
        {
            LatenciesMs[operation] = list = [];
        }

        list.Add(elapsed.TotalMilliseconds);
    }

    public void Failed(string operation, string kind)
    {
        if (!Failures.TryGetValue(operation, out Dictionary<string, long>? kinds))
        {
            Failures[operation] = kinds = new(StringComparer.Ordinal);
        }

        kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
    }

    /// <summary>Adds another client's log to this one.</summary>
    public void Merge(OperationLog other)
    {
        foreach ((string operation, List<double> latencies) in other.LatenciesMs)
        {
            if (!LatenciesMs.TryGetValue(operation, out List<double>? list))
            {
                LatenciesMs[operation] = list = [];
            }

            list.AddRange(latencies);
        }

        foreach ((string operation, Dictionary<string, long> kinds) in other.Failures)
        {
            foreach ((string kind, long count) in kinds)
            {
                for (long i = 0; i < count; i++)
                {
                    Failed(operation, kind);
                }
            }
        }
    }
}
