namespace BlindAI.Client.Models;

/// <summary>How to upload a model.</summary>
public sealed record UploadModelOptions
{
    /// <summary>The model's name on the server; the file name, or <c>model</c>, when <see langword="null"/>.</summary>
    public string? Name { get; init; }

    /// <summary>Receives upload progress (bytes sent of the request body); called from a thread-pool thread.</summary>
    public IProgress<UploadProgress>? Progress { get; init; }
}
