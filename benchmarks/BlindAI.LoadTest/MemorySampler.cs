using System.Diagnostics;

namespace BlindAI.LoadTest;

/// <summary>One memory reading of this process.</summary>
/// <param name="Seconds">Seconds since the measured run began.</param>
/// <param name="WorkingSetMiB">Resident memory: the managed heap plus ONNX Runtime's native sessions and buffers.</param>
/// <param name="ManagedHeapMiB">Bytes the GC reports allocated now (between collections this saw-tooths).</param>
/// <param name="HeapAfterLastFullGcMiB">The managed heap measured by the last full (gen 2) collection: the floor a managed leak would raise.</param>
/// <param name="Gen2Collections">Full collections so far.</param>
internal sealed record MemorySample(double Seconds, double WorkingSetMiB, double ManagedHeapMiB, double HeapAfterLastFullGcMiB, int Gen2Collections);

/// <summary>Reads the process's memory once a second until stopped, without forcing collections (that would hide the load's real behaviour).</summary>
internal sealed class MemorySampler
{
    private const double MiB = 1024 * 1024;
    private readonly List<MemorySample> _samples = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public IReadOnlyList<MemorySample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        using Process process = Process.GetCurrentProcess();
        do
        {
            process.Refresh();
            var sample = new MemorySample(
                Math.Round(_clock.Elapsed.TotalSeconds, 1),
                Math.Round(process.WorkingSet64 / MiB, 1),
                Math.Round(GC.GetTotalMemory(forceFullCollection: false) / MiB, 1),
                Math.Round(LastFullCollection().HeapSizeBytes / MiB, 1),
                GC.CollectionCount(2));
            lock (_samples)
            {
                _samples.Add(sample);
            }
        }
        while (await WaitAsync(timer, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>A full compacting collection, large objects included: the managed memory really retained at this point.</summary>
    public static double RetainedManagedMiB()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return Math.Round(GC.GetTotalMemory(forceFullCollection: false) / MiB, 1);
    }

    private static GCMemoryInfo LastFullCollection()
    {
        GCMemoryInfo blocking = GC.GetGCMemoryInfo(GCKind.FullBlocking), background = GC.GetGCMemoryInfo(GCKind.Background);
        return background.Index > blocking.Index ? background : blocking;
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
