using BlindAI.Protocol.Messages;

namespace BlindAI.Inference;

/// <summary>A loaded model as the engine lists it.</summary>
public sealed record ModelInfo
{
    /// <summary>The model id: a random UUID drawn at upload.</summary>
    public required ModelId Id { get; init; }

    /// <summary>The SHA-256 of the model bytes.</summary>
    public required ModelHash Hash { get; init; }

    /// <summary>The display name given at upload, or <see langword="null"/>.</summary>
    public string? Name { get; init; }

    /// <summary>The model size in bytes.</summary>
    public required long SizeBytes { get; init; }

    /// <summary>Whether graph optimisation was requested at upload.</summary>
    public required bool Optimize { get; init; }

    /// <summary>When the model was uploaded.</summary>
    public required DateTimeOffset UploadedAt { get; init; }

    /// <summary>The inputs a run must supply, in model order.</summary>
    public required IReadOnlyList<TensorSpec> Inputs { get; init; }

    /// <summary>The outputs a run returns, in model order.</summary>
    public required IReadOnlyList<TensorSpec> Outputs { get; init; }
}
