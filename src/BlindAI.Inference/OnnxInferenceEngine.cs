using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using BlindAI.Inference.Persistence;
using BlindAI.Inference.Runtime;
using BlindAI.Protocol.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace BlindAI.Inference;

/// <summary>
/// The inference engine over ONNX Runtime. Models are keyed by a random id and by the SHA-256 of their bytes; uploads of
/// identical bytes share one session. Runs are checked against the model before ONNX Runtime sees them, limited globally
/// and per model with a bounded wait queue, and use the request's tensor memory in place where it is aligned as ONNX
/// Runtime's own (else one copy).
/// </summary>
/// <remarks>
/// Split by topic: this file holds state and lifetime; <c>.Upload</c>, <c>.Run</c> and <c>.Log</c> the rest.
/// The lock guards only the maps and reference counts, never a model load or a run.
/// </remarks>
internal sealed partial class OnnxInferenceEngine : IInferenceEngine, IDisposable
{
    private readonly InferenceEngineOptions _options;
    private readonly IModelRepository _repository;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly InferenceMetrics _metrics;
    private readonly SessionOptions _optimizedSessionOptions;
    private readonly SessionOptions _plainSessionOptions;
    private readonly RunOptions _sharedRunOptions = new();
    private readonly SemaphoreSlim _globalSlots;
    private readonly int _maxAdmitted;
    private readonly int _maxAdmittedPerModel;
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, (ModelInfo Info, LoadedModel Model)> _models = [];
    private readonly Dictionary<string, LoadedModel> _byHash = new(FixedTimeStringComparer.Instance);
    private int _admitted;
    private bool _disposed;

    /// <summary>Creates an engine.</summary>
    /// <param name="options">The limits and ONNX Runtime settings; validated here as well as at host start-up.</param>
    /// <param name="repository">Where uploaded models are kept for <see cref="RestoreAsync"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock for upload times.</param>
    /// <param name="meterFactory">Creates the <c>BlindAI.Inference</c> meter, or <see langword="null"/> for a private one.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    /// <exception cref="PlatformNotSupportedException">The machine is big-endian (tensors travel little-endian and are used in place).</exception>
    public OnnxInferenceEngine(
        IOptions<InferenceEngineOptions> options,
        IModelRepository repository,
        ILogger<OnnxInferenceEngine> logger,
        TimeProvider timeProvider,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The inference engine uses little-endian tensor bytes in place and needs a little-endian machine.");
        }

        _options = options.Value;
        InferenceEngineOptionsValidator.ThrowIfInvalid(_options);
        _repository = repository;
        _logger = logger;
        _time = timeProvider;
        _maxAdmitted = _options.MaxConcurrentRuns + _options.MaxQueuedRuns;
        _maxAdmittedPerModel = _options.MaxConcurrentRunsPerModel + _options.MaxQueuedRuns;
        _globalSlots = new SemaphoreSlim(_options.MaxConcurrentRuns, _options.MaxConcurrentRuns);
        _optimizedSessionOptions = CreateSessionOptions(_options.GraphOptimizationLevel);
        _plainSessionOptions = CreateSessionOptions(GraphOptimizationLevel.ORT_DISABLE_ALL);
        _metrics = new InferenceMetrics(meterFactory, () => { lock (_gate) { return _models.Count; } });
    }

    /// <inheritdoc/>
    public IReadOnlyList<ModelInfo> ListModels()
    {
        lock (_gate)
        {
            return [.. _models.Values.Select(m => m.Info)];
        }
    }

    /// <inheritdoc/>
    public bool TryGetModel(ModelId modelId, [NotNullWhen(true)] out ModelInfo? model)
    {
        lock (_gate)
        {
            model = _models.TryGetValue(modelId.Value, out var entry) ? entry.Info : null;
            return model is not null;
        }
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(ModelId modelId, CancellationToken cancellationToken = default)
    {
        LoadedModel model;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_models.Remove(modelId.Value, out var entry))
            {
                throw UnknownModel();
            }

            model = entry.Model;
        }

        Release(model, idReference: true);
        LogModelDeleted(modelId.Value);
        try
        {
            await _repository.DeleteAsync(modelId.Value, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InferenceException(InferenceErrorReason.StorageFailed, "The model was unloaded but could not be removed from the repository.", e);
        }
    }

    /// <summary>
    /// Unloads every model. Runs in progress finish; their sessions are disposed when they do. Stored models stay in the repository.
    /// </summary>
    public void Dispose()
    {
        List<LoadedModel> models;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            models = [.. _models.Values.Select(m => m.Model)];
            _models.Clear();
        }

        foreach (LoadedModel model in models)
        {
            Release(model, idReference: true);
        }

        // Runs in flight keep their sessions (and the shared run options) until they finish; session options only serve loads.
        _optimizedSessionOptions.Dispose();
        _plainSessionOptions.Dispose();
        _metrics.Dispose();
    }

    private SessionOptions CreateSessionOptions(GraphOptimizationLevel level) => new()
    {
        GraphOptimizationLevel = level,
        IntraOpNumThreads = _options.IntraOpThreads,
        LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
    };

    /// <summary>Takes a run reference on the session behind a model id.</summary>
    private LoadedModel AcquireById(Guid modelId)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_models.TryGetValue(modelId, out var entry))
            {
                throw UnknownModel();
            }

            entry.Model.References++;
            return entry.Model;
        }
    }

    /// <summary>Takes a run reference on a session by hash.</summary>
    private LoadedModel AcquireByHash(string sha256)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_byHash.TryGetValue(sha256, out LoadedModel? model))
            {
                throw UnknownModel();
            }

            model.References++;
            return model;
        }
    }

    /// <summary>Drops a reference; the last one disposes the session, the last id reference makes it unreachable by hash.</summary>
    private void Release(LoadedModel model, bool idReference)
    {
        bool dispose;
        lock (_gate)
        {
            if (idReference && --model.IdReferences == 0 && _byHash.TryGetValue(model.Sha256, out LoadedModel? current) && current == model)
            {
                _byHash.Remove(model.Sha256);
            }

            dispose = --model.References == 0;
        }

        if (dispose)
        {
            model.Session.Dispose();
            model.Slots.Dispose();
            LogSessionReleased(model.Sha256[..12]);
        }
    }

    private static InferenceException UnknownModel() => new(InferenceErrorReason.UnknownModel, "Model doesn't exist.");
}
