namespace BlindAI.Inference;

/// <summary>How to load an uploaded model.</summary>
public sealed record ModelUploadOptions
{
    /// <summary>A display name for the model (BlindAI <c>model_name</c>), or <see langword="null"/>.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Whether ONNX Runtime applies <see cref="InferenceEngineOptions.GraphOptimizationLevel"/> (BlindAI <c>optimize</c>, default
    /// <see langword="true"/>); <see langword="false"/> disables graph optimisation. As in BlindAI, an upload of bytes that are
    /// already loaded shares the existing session and this flag is ignored.
    /// </summary>
    public bool Optimize { get; init; } = true;
}
