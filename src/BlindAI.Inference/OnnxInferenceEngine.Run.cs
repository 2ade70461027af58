using System.Buffers;
using System.Diagnostics;
using BlindAI.Inference.Runtime;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace BlindAI.Inference;

internal sealed partial class OnnxInferenceEngine
{
    /// <inheritdoc/>
    public Task<IReadOnlyList<Tensor>> RunAsync(ModelReference model, IReadOnlyList<Tensor> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        LoadedModel loaded = model.Id is { } id ? AcquireById(id.Value) : AcquireByHash(model.Hash!.ToString());
        return RunAcquiredAsync(loaded, inputs, cancellationToken);
    }

    private async Task<IReadOnlyList<Tensor>> RunAcquiredAsync(LoadedModel model, IReadOnlyList<Tensor> inputs, CancellationToken cancellationToken)
    {
        try
        {
            Tensor[] ordered;
            try
            {
                ordered = InputBinder.Match(model, inputs, _options.MaxRequestBytes);
            }
            catch (InferenceException e)
            {
                _metrics.RecordOutcome(e.Reason == InferenceErrorReason.RequestTooLarge ? "too_large" : "invalid_input");
                LogRunRefused(e.Reason);
                throw;
            }

            Admit(model);
            try
            {
                await model.Slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await _globalSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        return Execute(model, ordered, cancellationToken);
                    }
                    finally
                    {
                        _globalSlots.Release();
                    }
                }
                finally
                {
                    model.Slots.Release();
                }
            }
            finally
            {
                Interlocked.Decrement(ref _admitted);
                Interlocked.Decrement(ref model.Admitted);
            }
        }
        catch (OperationCanceledException)
        {
            _metrics.RecordOutcome("canceled");
            throw;
        }
        finally
        {
            Release(model, idReference: false);
        }
    }

    /// <summary>Counts a run as running or waiting, or refuses it when the queue bounds are reached.</summary>
    private void Admit(LoadedModel model)
    {
        if (Interlocked.Increment(ref _admitted) > _maxAdmitted)
        {
            Interlocked.Decrement(ref _admitted);
            throw Busy();
        }

        if (Interlocked.Increment(ref model.Admitted) > _maxAdmittedPerModel)
        {
            Interlocked.Decrement(ref model.Admitted);
            Interlocked.Decrement(ref _admitted);
            throw Busy();
        }
    }

    private InferenceException Busy()
    {
        _metrics.RecordOutcome("busy");
        LogRunRefused(InferenceErrorReason.Busy);
        return new InferenceException(InferenceErrorReason.Busy, "The server is busy; retry later.") { RetryAfter = _options.BusyRetryAfter };
    }

    /// <summary>Runs ONNX Runtime on the calling thread over the request memory (pinned, or copied once where unaligned), and copies each output once.</summary>
    private IReadOnlyList<Tensor> Execute(LoadedModel model, Tensor[] inputs, CancellationToken cancellationToken)
    {
        var values = new OrtValue[inputs.Length];
        var pins = new MemoryHandle[inputs.Length];
        RunOptions runOptions = cancellationToken.CanBeCanceled ? new RunOptions() : _sharedRunOptions;
        CancellationTokenRegistration registration = cancellationToken.CanBeCanceled
            ? cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions)
            : default;
        try
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                values[i] = InputBinder.CreateValue(inputs[i], model.InputOrtTypes[i], out pins[i]);
            }

            long started = Stopwatch.GetTimestamp();
            using IDisposableReadOnlyCollection<OrtValue> outputs = model.Session.Run(runOptions, model.InputNames, values, model.OutputNames);
            _metrics.RunDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            var result = new Tensor[outputs.Count];
            for (int j = 0; j < result.Length; j++)
            {
                result[j] = OutputReader.ToTensor(outputs[j], model.OutputNames[j]);
            }

            _metrics.RecordOutcome("ok");
            return result;
        }
        catch (OnnxRuntimeException e)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _metrics.RecordOutcome("failed");
            LogRunFailed(e.Message);
            throw new InferenceException(InferenceErrorReason.RunFailed, "ONNX Runtime failed to run the model: " + e.Message, e);
        }
        finally
        {
            registration.Dispose();
            foreach (OrtValue value in values)
            {
                value?.Dispose();
            }

            foreach (MemoryHandle pin in pins)
            {
                pin.Dispose();
            }

            if (runOptions != _sharedRunOptions)
            {
                runOptions.Dispose();
            }
        }
    }
}
