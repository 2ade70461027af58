using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using BlindAI.Inference;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;
using Microsoft.Extensions.DependencyInjection;

namespace BlindAI.SampleHost.Tests.Support;

/// <summary>
/// The host's real engine, watched: tells when a run reaches it, when a run is queued inside it (the engine then holds
/// a reference to the model and is waiting for a slot), and how each run ended. Nothing is changed or faked.
/// </summary>
internal sealed class ObservedEngine(OnnxInferenceEngine inner) : IInferenceEngine
{
    private readonly SemaphoreSlim _entered = new(0), _queued = new(0), _ended = new(0);

    public ConcurrentQueue<string> Outcomes { get; } = new();

    /// <summary>Registers the watched engine in place of the plain one (the host only adds its own when none is registered).</summary>
    public static Action<IServiceCollection> Register(Action<ObservedEngine> found) => services =>
        services.AddSingleton<IInferenceEngine>(sp =>
        {
            var engine = new ObservedEngine(sp.GetRequiredService<OnnxInferenceEngine>());
            found(engine);
            return engine;
        });

    public Task WaitEnteredAsync(TimeSpan timeout) => WaitAsync(_entered, timeout, "a run to reach the engine");

    public Task WaitQueuedAsync(TimeSpan timeout) => WaitAsync(_queued, timeout, "a run to queue in the engine");

    public Task WaitEndedAsync(TimeSpan timeout) => WaitAsync(_ended, timeout, "a run to end");

    public Task<IReadOnlyList<Tensor>> RunAsync(ModelReference model, IReadOnlyList<Tensor> inputs, CancellationToken cancellationToken = default) =>
        Observe(() => inner.RunAsync(model, inputs, cancellationToken));

    public Task<ModelInfo> UploadAsync(ReadOnlyMemory<byte> model, ModelUploadOptions? options = null, CancellationToken cancellationToken = default) =>
        inner.UploadAsync(model, options, cancellationToken);

    public Task<ModelInfo> UploadFromStreamAsync(Stream model, ModelUploadOptions? options = null, CancellationToken cancellationToken = default) =>
        inner.UploadFromStreamAsync(model, options, cancellationToken);

    public Task DeleteAsync(ModelId modelId, CancellationToken cancellationToken = default) => inner.DeleteAsync(modelId, cancellationToken);

    public IReadOnlyList<ModelInfo> ListModels() => inner.ListModels();

    public bool TryGetModel(ModelId modelId, [NotNullWhen(true)] out ModelInfo? model) => inner.TryGetModel(modelId, out model);

    public Task<IReadOnlyList<ModelInfo>> RestoreAsync(CancellationToken cancellationToken = default) => inner.RestoreAsync(cancellationToken);

    private static async Task WaitAsync(SemaphoreSlim signal, TimeSpan timeout, string what) =>
        Assert.True(await signal.WaitAsync(timeout), $"Waited {timeout.TotalSeconds} s for {what}.");

    private Task<IReadOnlyList<Tensor>> Observe(Func<Task<IReadOnlyList<Tensor>>> run)
    {
        _entered.Release();
        Task<IReadOnlyList<Tensor>> task;
        try
        {
            // The engine runs synchronously when a slot is free, and returns a pending task when the run must wait
            // for one: by then it has taken its reference on the model.
            task = run();
        }
        catch (Exception e)
        {
            Ended(e is OperationCanceledException ? "cancelled" : e.GetType().Name);
            throw;
        }

        if (!task.IsCompleted)
        {
            _queued.Release();
        }

        return ObserveEndAsync(task);
    }

    private async Task<IReadOnlyList<Tensor>> ObserveEndAsync(Task<IReadOnlyList<Tensor>> task)
    {
        try
        {
            IReadOnlyList<Tensor> outputs = await task;
            Ended("ok");
            return outputs;
        }
        catch (OperationCanceledException)
        {
            Ended("cancelled");
            throw;
        }
        catch (Exception e)
        {
            Ended(e.GetType().Name);
            throw;
        }
    }

    private void Ended(string outcome)
    {
        Outcomes.Enqueue(outcome);
        _ended.Release();
    }
}
