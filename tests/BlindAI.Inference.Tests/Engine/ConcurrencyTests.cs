using System.Diagnostics;
using BlindAI.Inference.Tests.Support;
using BlindAI.Protocol.Tensors;
using BlindAI.Testing;

namespace BlindAI.Inference.Tests.Engine;

/// <summary>
/// Run slots, the bounded queue, cancellation and deletion while runs are in flight. A long chain of matrix products keeps
/// a slot busy; the tests wait until the engine itself reports the slot taken (a Busy refusal) rather than sleeping.
/// </summary>
public sealed class ConcurrencyTests
{
    private const int Size = 512;
    // Long enough (seconds on an idle machine) that a run is still going when a test cancels it or probes the slots.
    private static readonly byte[] SlowModel = TestModels.SlowMatMulChain(1024);
    private static readonly Tensor SlowInput = Tensor.Create<float>(Enumerable.Repeat(0.001f, Size * Size).ToArray(), [Size, Size]);
    private static readonly Tensor TinyInput = Tensor.Create<float>([1, 2, 3, 4], [1, 4]);

    /// <summary>A 1×1 input: the slow model runs it in microseconds, so probing a slot never takes one for long.</summary>
    private static readonly Tensor ProbeInput = Tensor.Create<float>([1], [1, 1]);

    [Fact]
    public async Task When_every_slot_and_queue_place_is_taken_a_run_is_refused_as_busy_with_a_retry_delay()
    {
        using OnnxInferenceEngine engine = Engines.Create(o => (o.MaxConcurrentRuns, o.MaxConcurrentRunsPerModel, o.MaxQueuedRuns, o.BusyRetryAfter) = (1, 1, 0, TimeSpan.FromSeconds(7)));
        Guid slow = (await engine.UploadAsync(SlowModel)).Id;
        Guid tiny = (await engine.UploadAsync(TestModels.MatMulAddRelu())).Id;
        using var cancel = new CancellationTokenSource();

        (Task<IReadOnlyList<Tensor>> running, InferenceException busy) = await StartSlowRunAsync(engine, slow, tiny, TinyInput, cancel.Token);

        Assert.Equal(TimeSpan.FromSeconds(7), busy.RetryAfter);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Single(await engine.RunAsync(tiny, [TinyInput]));
    }

    [Fact]
    public async Task A_run_waits_in_the_queue_while_there_is_room_and_runs_when_a_slot_frees()
    {
        using OnnxInferenceEngine engine = Engines.Create(o => (o.MaxConcurrentRuns, o.MaxConcurrentRunsPerModel, o.MaxQueuedRuns) = (1, 1, 1));
        Guid slow = (await engine.UploadAsync(SlowModel)).Id;
        Guid tiny = (await engine.UploadAsync(TestModels.MatMulAddRelu())).Id;
        using var cancel = new CancellationTokenSource();

        (Task<IReadOnlyList<Tensor>> running, Task<IReadOnlyList<Tensor>> queued) = await StartSlowRunAndQueueAsync(engine, slow, tiny, cancel.Token, CancellationToken.None);
        InferenceException busy = await Assert.ThrowsAsync<InferenceException>(() => engine.RunAsync(tiny, [TinyInput]));
        Assert.Equal(InferenceError.Busy, busy.Reason);

        Assert.False(queued.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        IReadOnlyList<Tensor> outputs = await queued;
        Assert.Equal([5.5f, 0f, 0f], outputs[0].ToArray<float>());
    }

    [Fact]
    public async Task A_queued_run_can_be_cancelled_and_gives_its_place_back()
    {
        using OnnxInferenceEngine engine = Engines.Create(o => (o.MaxConcurrentRuns, o.MaxConcurrentRunsPerModel, o.MaxQueuedRuns) = (1, 1, 1));
        Guid slow = (await engine.UploadAsync(SlowModel)).Id;
        Guid tiny = (await engine.UploadAsync(TestModels.MatMulAddRelu())).Id;
        using var cancelSlow = new CancellationTokenSource();
        using var cancelQueued = new CancellationTokenSource();

        (Task<IReadOnlyList<Tensor>> running, Task<IReadOnlyList<Tensor>> queued) = await StartSlowRunAndQueueAsync(engine, slow, tiny, cancelSlow.Token, cancelQueued.Token);
        await cancelQueued.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);

        // The cancelled run left the queue: another run can take its place instead of being refused.
        Task<IReadOnlyList<Tensor>> requeued = engine.RunAsync(tiny, [TinyInput]);
        Assert.False(requeued.IsCompleted);
        await cancelSlow.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Single(await requeued);
    }

    [Fact]
    public async Task The_per_model_limit_refuses_a_second_run_of_a_busy_model_while_other_models_still_run()
    {
        using OnnxInferenceEngine engine = Engines.Create(o => (o.MaxConcurrentRuns, o.MaxConcurrentRunsPerModel, o.MaxQueuedRuns) = (2, 1, 0));
        Guid slow = (await engine.UploadAsync(SlowModel)).Id;
        Guid tiny = (await engine.UploadAsync(TestModels.MatMulAddRelu())).Id;
        using var cancel = new CancellationTokenSource();

        (Task<IReadOnlyList<Tensor>> running, InferenceException busy) = await StartSlowRunAsync(engine, slow, slow, ProbeInput, cancel.Token);

        Assert.Equal(InferenceError.Busy, busy.Reason);
        Assert.Single(await engine.RunAsync(tiny, [TinyInput]));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task A_deleted_model_finishes_its_runs_in_flight_before_its_session_is_released()
    {
        var logger = new RecordingLogger<OnnxInferenceEngine>();
        using OnnxInferenceEngine engine = Engines.Create(o => (o.MaxConcurrentRuns, o.MaxConcurrentRunsPerModel, o.MaxQueuedRuns) = (1, 1, 0), logger: logger);
        Guid slow = (await engine.UploadAsync(SlowModel)).Id;

        (Task<IReadOnlyList<Tensor>> running, _) = await StartSlowRunAsync(engine, slow, slow, ProbeInput, CancellationToken.None);
        await engine.DeleteAsync(slow);

        Assert.DoesNotContain(engine.ListModels(), m => m.Id == slow);
        Assert.Equal(InferenceError.UnknownModel, (await Assert.ThrowsAsync<InferenceException>(() => engine.RunAsync(slow, [SlowInput]))).Reason);
        Assert.Equal(0, logger.Count(4));

        Tensor output = Assert.Single(await running);
        Assert.Equal([(long)Size, Size], output.Shape.ToArray());
        Assert.Equal(1, logger.Count(4));
    }

    [Fact]
    public async Task Disposing_the_engine_lets_runs_in_flight_finish_and_refuses_new_ones()
    {
        var logger = new RecordingLogger<OnnxInferenceEngine>();
        OnnxInferenceEngine engine = Engines.Create(o => (o.MaxConcurrentRuns, o.MaxConcurrentRunsPerModel, o.MaxQueuedRuns) = (1, 1, 0), logger: logger);
        Guid slow = (await engine.UploadAsync(SlowModel)).Id;
        (Task<IReadOnlyList<Tensor>> running, _) = await StartSlowRunAsync(engine, slow, slow, ProbeInput, CancellationToken.None);

        engine.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => engine.RunAsync(slow, [ProbeInput]));
        Assert.Equal(0, logger.Count(4));
        Assert.Single(await running);
        Assert.Equal(1, logger.Count(4));
    }

    /// <summary>
    /// Starts a slow run on another thread and probes with quick runs until the engine refuses one as busy, which proves the
    /// slow run holds its slot. A probe can itself make the slow run start late or be refused; then the slow run is started again.
    /// </summary>
    private static async Task<(Task<IReadOnlyList<Tensor>> Running, InferenceException Busy)> StartSlowRunAsync(
        OnnxInferenceEngine engine, Guid slow, Guid probeModel, Tensor probe, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            Task<IReadOnlyList<Tensor>> running = Task.Run(() => engine.RunAsync(slow, [SlowInput], cancellationToken));
            while (!running.IsCompleted)
            {
                try
                {
                    await engine.RunAsync(probeModel, [probe]);
                }
                catch (InferenceException e) when (e.Reason == InferenceError.Busy)
                {
                    if (!running.IsCompleted)
                    {
                        return (running, e);
                    }
                }
            }

            try
            {
                await running;
            }
            catch (InferenceException e) when (e.Reason == InferenceError.Busy)
            {
                // The probe took the slot first; start again.
            }
        }

        throw new TimeoutException("The slow run never held its slot.");
    }

    /// <summary>
    /// Starts a slow run on another thread, then quick runs until one does not finish at once: it is waiting in the queue
    /// behind the slow run, which therefore holds the slot.
    /// </summary>
    private static async Task<(Task<IReadOnlyList<Tensor>> Running, Task<IReadOnlyList<Tensor>> Queued)> StartSlowRunAndQueueAsync(
        OnnxInferenceEngine engine, Guid slow, Guid tiny, CancellationToken slowCancellation, CancellationToken queuedCancellation)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            Task<IReadOnlyList<Tensor>> running = Task.Run(() => engine.RunAsync(slow, [SlowInput], slowCancellation));
            while (!running.IsCompleted)
            {
                Task<IReadOnlyList<Tensor>> candidate = engine.RunAsync(tiny, [TinyInput], queuedCancellation);
                if (!candidate.IsCompleted)
                {
                    return (running, candidate);
                }

                await candidate;
            }

            try
            {
                await running;
            }
            catch (InferenceException e) when (e.Reason == InferenceError.Busy)
            {
                // A quick run took the only queue place first; start again.
            }
        }

        throw new TimeoutException("No run was ever queued.");
    }
}
