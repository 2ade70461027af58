namespace BlindAI.Protocol.Messages;

/// <summary>
/// The body of <c>POST /upload</c> (management port): <c>{model, length, model_name, optimize, client_info}</c>.
/// A decoded instance's <see cref="Model"/> may alias the request buffer. The required <c>client_info</c> telemetry
/// block is written anonymous and ignored when read: a confidential-computing client has no business reporting who or
/// where its user is, and the original server used it for telemetry only.
/// </summary>
/// <param name="Model">The ONNX model bytes (<c>model</c>, serde_bytes: byte string or array of 0..255).</param>
/// <param name="Length">The declared model size (<c>length</c>); must equal the number of model bytes.</param>
/// <param name="ModelName">The model name (<c>model_name</c>); empty means none, as in the original server.</param>
/// <param name="Optimize">The original server's tract optimisation switch (<c>optimize</c>); kept for compatibility.</param>
public sealed record UploadModel(ReadOnlyMemory<byte> Model, ulong Length, string ModelName, bool Optimize)
{
    /// <summary>The <c>client_info</c> block: as decoded, or <see cref="ClientInfo.Anonymous"/> for a request built here.</summary>
    internal ClientInfo ClientInfo { get; init; } = ClientInfo.Anonymous;

    /// <summary>Creates an upload of <paramref name="model"/> with <c>length</c> set to its size and <c>optimize</c> on.</summary>
    /// <param name="model">The ONNX model bytes; not copied, so do not change them afterwards.</param>
    /// <param name="modelName">The model name, or <see langword="null"/> for none.</param>
    /// <returns>The request.</returns>
    public static UploadModel Create(ReadOnlyMemory<byte> model, string? modelName) =>
        new(model, (ulong)model.Length, modelName ?? string.Empty, true);
}
