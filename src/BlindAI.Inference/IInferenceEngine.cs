using System.Diagnostics.CodeAnalysis;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Inference;

/// <summary>
/// Loads ONNX models and runs them. Every refusal or failure is an <see cref="InferenceException"/> whose
/// <see cref="InferenceException.Reason"/> tells the host how to answer (for example <see cref="InferenceErrorReason.Busy"/> → 503).
/// </summary>
public interface IInferenceEngine
{
    /// <summary>Loads a model from bytes and gives it a new id. Identical bytes share one loaded session.</summary>
    /// <param name="model">The ONNX model bytes. They are not retained unless the repository keeps them.</param>
    /// <param name="options">How to load it, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="InferenceException">Too large, invalid, unsupported, or the repository failed.</exception>
    Task<ModelInfo> UploadAsync(ReadOnlyMemory<byte> model, ModelUploadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Loads a model read from a stream, checking <see cref="InferenceEngineOptions.MaxModelBytes"/> while reading
    /// so an oversized upload is refused without being buffered whole.
    /// </summary>
    /// <param name="model">The stream holding the ONNX model; read to its end, not disposed.</param>
    /// <param name="options">How to load it, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="InferenceException">Too large, invalid, unsupported, or the repository failed.</exception>
    Task<ModelInfo> UploadFromStreamAsync(Stream model, ModelUploadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a model, named by the id an upload returned or by the SHA-256 of its bytes (BlindAI <c>model_hash</c>: some
    /// loaded model with those bytes). Named inputs are matched by name; unnamed ones fill the remaining inputs in
    /// model order. Inputs are checked against the model before ONNX Runtime sees them.
    /// </summary>
    /// <param name="model">The model: <see cref="ModelReference.ById"/> or <see cref="ModelReference.ByHash"/>.</param>
    /// <param name="inputs">One tensor per model input.</param>
    /// <param name="cancellationToken">Cancels the wait for a run slot and aborts a run in progress.</param>
    /// <returns>Every model output in model order, named, with its element type and actual shape.</returns>
    /// <exception cref="InferenceException">Unknown model, invalid input, request too large, busy, or the run failed.</exception>
    Task<IReadOnlyList<Tensor>> RunAsync(ModelReference model, IReadOnlyList<Tensor> inputs, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes a model id, from memory and from the repository. Runs already started finish; the session is released
    /// when no id and no run uses it any more.
    /// </summary>
    /// <param name="modelId">The id returned by an upload.</param>
    /// <param name="cancellationToken">Cancels the repository deletion.</param>
    /// <returns>A task that completes when the id is gone.</returns>
    /// <exception cref="InferenceException">Unknown model, or the repository failed.</exception>
    Task DeleteAsync(ModelId modelId, CancellationToken cancellationToken = default);

    /// <summary>Lists the loaded models.</summary>
    /// <returns>A snapshot, in no particular order.</returns>
    IReadOnlyList<ModelInfo> ListModels();

    /// <summary>Looks up a loaded model.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="model">The model when found.</param>
    /// <returns><see langword="true"/> when the id is loaded.</returns>
    bool TryGetModel(ModelId modelId, [NotNullWhen(true)] out ModelInfo? model);

    /// <summary>
    /// Loads every model the repository holds that is not loaded yet (after a restart). A stored model whose bytes
    /// fail to unprotect, whose hash does not match, or that no longer loads is left out and logged.
    /// </summary>
    /// <param name="cancellationToken">Cancels the restore.</param>
    /// <returns>The models restored.</returns>
    Task<IReadOnlyList<ModelInfo>> RestoreAsync(CancellationToken cancellationToken = default);
}
