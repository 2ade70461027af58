namespace BlindAI.Inference;

/// <summary>Why the inference engine refused or failed a request (<see cref="InferenceException.Reason"/>).</summary>
public enum InferenceErrorReason
{
    /// <summary>No model with the given id or hash is loaded.</summary>
    UnknownModel = 0,

    /// <summary>The model bytes are not a model ONNX Runtime can load, or they reference data outside themselves.</summary>
    InvalidModel = 1,

    /// <summary>The model loads but has inputs or outputs the BlindAI protocol cannot carry (for example sequences or complex numbers).</summary>
    UnsupportedModel = 2,

    /// <summary>The model is larger than <see cref="InferenceEngineOptions.MaxModelBytes"/>.</summary>
    ModelTooLarge = 3,

    /// <summary>The input tensors together are larger than <see cref="InferenceEngineOptions.MaxRequestBytes"/>.</summary>
    RequestTooLarge = 4,

    /// <summary>An input does not match the model: missing, extra, wrong element type, rank, dimension or byte length.</summary>
    InvalidInput = 5,

    /// <summary>Every run slot and queue place is taken; retry after <see cref="InferenceException.RetryAfter"/>.</summary>
    Busy = 6,

    /// <summary>ONNX Runtime accepted the inputs but failed while running the model.</summary>
    RunFailed = 7,

    /// <summary>The model repository could not store, read or delete a model.</summary>
    StorageFailed = 8,
}
