using System.Diagnostics;
using BlindAI.Client;
using BlindAI.Client.Models;
using BlindAI.Protocol.Tensors;

namespace BlindAI.LoadTest;

/// <summary>Sets up the target and its shared models, drives the clients for the duration while sampling memory, and judges the result.</summary>
internal static class LoadRun
{
    public static async Task<LoadReport> ExecuteAsync(LoadTestOptions options, string command, TextWriter progress, CancellationToken cancellationToken)
    {
        string loadAtStart = LoadAverage();
        Workload workload = Workload.Load();
        await using LoadTarget target = await LoadTarget.StartAsync(options, cancellationToken).ConfigureAwait(false);

        await using BlindAIClient setup = await BlindAIClient.ConnectAsync(target.ClientOptions, cancellationToken).ConfigureAwait(false);
        UploadedModel silero = await setup.UploadModelAsync(ModelSource.FromBytes(workload.Silero), new UploadModelOptions { Name = "silero-vad" }, cancellationToken).ConfigureAwait(false);
        UploadedModel miniLm = await setup.UploadModelAsync(ModelSource.FromBytes(workload.MiniLm), new UploadModelOptions { Name = "all-MiniLM-L6-v2" }, cancellationToken).ConfigureAwait(false);
        var shared = new SharedModels(
            silero.Id,
            miniLm.Id,
            await setup.RunModelAsync(silero.Id, workload.SileroInputs, cancellationToken).ConfigureAwait(false),
            await setup.RunModelAsync(miniLm.Id, workload.MiniLmInputs, cancellationToken).ConfigureAwait(false));
        progress.WriteLine($"host ready at {target.Host}; shared models uploaded; connecting {options.Clients} attested clients");

        var connectLatencies = new List<double>();
        var clients = new List<BlindAIClient>();
        try
        {
            for (int i = 0; i < options.Clients; i++)
            {
                long started = Stopwatch.GetTimestamp();
                clients.Add(await BlindAIClient.ConnectAsync(target.ClientOptions, cancellationToken).ConfigureAwait(false));
                connectLatencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            LoadClient[] users = [.. clients.Select((c, i) => new LoadClient(i, c, workload, shared, options.Seed))];
            progress.WriteLine($"running for {options.Duration.TotalSeconds:0} s");

            // Operations in progress at the deadline finish; a hard limit well past it bounds a hung run.
            using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            hardStop.CancelAfter(options.Duration + TimeSpan.FromMinutes(2));
            // The baseline: set-up garbage (the 90 MB MiniLM upload) collected, so growth is the load's own.
            double retainedAtStart = MemorySampler.RetainedManagedMiB();
            using var stopSampling = new CancellationTokenSource();
            var sampler = new MemorySampler();
            Task sampling = sampler.RunAsync(TimeSpan.FromSeconds(1), stopSampling.Token);
            long begun = Stopwatch.GetTimestamp();
            long deadline = begun + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
            await Task.WhenAll(users.Select(u => Task.Run(() => u.RunAsync(deadline, hardStop.Token), CancellationToken.None))).ConfigureAwait(false);
            double elapsed = Stopwatch.GetElapsedTime(begun).TotalSeconds;
            await stopSampling.CancelAsync().ConfigureAwait(false);
            await sampling.ConfigureAwait(false);

            var log = new OperationLog();
            foreach (LoadClient user in users)
            {
                log.Merge(user.Log);
            }

            (int Models, int SealedFiles)? store = target.InspectStore();
            double retainedAtEnd = MemorySampler.RetainedManagedMiB();
            LoadReport report = Judge(options, command, log, sampler.Samples, elapsed, connectLatencies, store, loadAtStart, target.InProcess) with
            {
                RetainedManagedAtStartMiB = retainedAtStart,
                RetainedManagedAtEndMiB = retainedAtEnd,
            };
            if (retainedAtEnd - retainedAtStart > options.MaxGrowthMiB)
            {
                report = report with { Problems = [.. report.Problems, $"memory: the managed heap retained after a full collection grew {retainedAtEnd - retainedAtStart:0.0} MiB (bound {options.MaxGrowthMiB:0} MiB)"] };
            }


            await setup.DeleteModelAsync(silero.Id, cancellationToken).ConfigureAwait(false);
            await setup.DeleteModelAsync(miniLm.Id, cancellationToken).ConfigureAwait(false);
            return report;
        }
        finally
        {
            foreach (BlindAIClient client in clients)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static LoadReport Judge(
        LoadTestOptions options,
        string command,
        OperationLog log,
        IReadOnlyList<MemorySample> samples,
        double elapsed,
        List<double> connectLatencies,
        (int Models, int SealedFiles)? store,
        string loadAtStart,
        bool inProcess)
    {
        string[] operations = [LoadClient.RunSilero, LoadClient.RunMiniLm, LoadClient.Upload, LoadClient.RunUploaded, LoadClient.Delete];
        OperationSummary[] summaries = [.. operations.Select(o => LoadReport.Summarize(o, log.LatenciesMs.GetValueOrDefault(o), log.Failures.GetValueOrDefault(o)?.Values.Sum() ?? 0, elapsed))];
        var failures = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (Dictionary<string, long> kinds in log.Failures.Values)
        {
            foreach ((string kind, long count) in kinds)
            {
                failures[kind] = failures.GetValueOrDefault(kind) + count;
            }
        }

        long unexpected = failures.Where(f => f.Key != OperationLog.Busy).Sum(f => f.Value);
        double warmup = options.EffectiveWarmup.TotalSeconds;
        MemoryTrend[] memory =
        [
            LoadReport.Trend("working set", samples, s => s.WorkingSetMiB, warmup),
            LoadReport.Trend("heap after full GC", samples, s => s.HeapAfterLastFullGcMiB, warmup),
            LoadReport.Trend("managed heap now", samples, s => s.ManagedHeapMiB, warmup),
        ];

        var problems = new List<string>();
        if (unexpected > 0)
        {
            problems.Add($"{unexpected} unexpected failures (see failures)");
        }

        if (summaries.Where(s => s.Operation is LoadClient.RunSilero or LoadClient.RunMiniLm).Any(s => s.Succeeded == 0))
        {
            problems.Add("an operation kind never succeeded: the run is too short or the host refused everything");
        }

        if (store is { } s && (s.Models != 2 || s.SealedFiles != 4))
        {
            problems.Add($"the host holds {s.Models} models and {s.SealedFiles} sealed files after the run, not the 2 shared models and their 4 files");
        }

        // The managed series move with the collector's timing; the resident set is judged here, the managed heap by the
        // forced collections before and after the run.
        foreach (MemoryTrend trend in memory.Take(1).Where(m => m.FloorGrowthMiB > options.MaxGrowthMiB))
        {
            problems.Add($"memory: the {trend.Series} floor rose {trend.FloorGrowthMiB:0.0} MiB after warm-up (bound {options.MaxGrowthMiB:0} MiB)");
        }

        connectLatencies.Sort();
        return new LoadReport
        {
            Command = command,
            StartedUtc = DateTimeOffset.UtcNow.AddSeconds(-elapsed),
            Clients = options.Clients,
            Seconds = Math.Round(elapsed, 1),
            WarmupSeconds = warmup,
            HostInProcess = inProcess,
            HostSettings = options.HostSettings,
            LoadAverageAtStart = loadAtStart,
            LoadAverageAtEnd = LoadAverage(),
            ConnectP50Ms = connectLatencies.Count == 0 ? 0 : Math.Round(connectLatencies[connectLatencies.Count / 2], 1),
            OperationsPerSecond = Math.Round(summaries.Sum(o => o.Succeeded) / elapsed, 2),
            Operations = summaries,
            Failures = failures,
            UnexpectedFailures = unexpected,
            Memory = memory,
            MaxGrowthMiB = options.MaxGrowthMiB,
            MemorySamples = samples,
            ModelsLeftOnHost = store?.Models,
            SealedFilesLeft = store?.SealedFiles,
            Problems = problems,
        };
    }

    /// <summary>The 1, 5 and 15 minute load averages (Linux), so figures can be read against how busy the machine was.</summary>
    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
