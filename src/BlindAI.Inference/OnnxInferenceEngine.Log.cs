using Microsoft.Extensions.Logging;

namespace BlindAI.Inference;

// Log messages carry ids, hash prefixes, sizes and reasons only: never tensors, model bytes or model names' contents beyond ids.
internal sealed partial class OnnxInferenceEngine
{
    [LoggerMessage(1, LogLevel.Information, "Model {ModelId} loaded (sha256 {HashPrefix}…, {SizeBytes} bytes, shared session: {Shared}).")]
    private partial void LogModelLoaded(Guid modelId, string hashPrefix, long sizeBytes, bool shared);

    [LoggerMessage(2, LogLevel.Warning, "Model upload refused: {Reason}: {Message}")]
    private partial void LogUploadRefused(InferenceErrorReason reason, string message);

    [LoggerMessage(3, LogLevel.Information, "Model {ModelId} deleted.")]
    private partial void LogModelDeleted(Guid modelId);

    [LoggerMessage(4, LogLevel.Debug, "Session for sha256 {HashPrefix}… released.")]
    private partial void LogSessionReleased(string hashPrefix);

    [LoggerMessage(5, LogLevel.Debug, "Run refused: {Reason}.")]
    private partial void LogRunRefused(InferenceErrorReason reason);

    [LoggerMessage(6, LogLevel.Warning, "Run failed inside ONNX Runtime: {Message}")]
    private partial void LogRunFailed(string message);

    [LoggerMessage(7, LogLevel.Warning, "Stored model {ModelId} not restored: {Reason}")]
    private partial void LogRestoreSkipped(Guid modelId, string reason);

    [LoggerMessage(8, LogLevel.Information, "Restored {Count} model(s) from the repository.")]
    private partial void LogRestored(int count);
}
