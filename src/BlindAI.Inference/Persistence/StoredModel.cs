namespace BlindAI.Inference.Persistence;

/// <summary>What a repository keeps about a model besides its bytes.</summary>
public sealed record StoredModel
{
    /// <summary>The model id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The SHA-256 of the model bytes, 64 lowercase hexadecimal digits; checked again when the model is read back.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The display name, or <see langword="null"/>.</summary>
    public string? Name { get; init; }

    /// <summary>Whether graph optimisation was requested.</summary>
    public required bool Optimize { get; init; }

    /// <summary>When the model was uploaded.</summary>
    public required DateTimeOffset UploadedAt { get; init; }
}
