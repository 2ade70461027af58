using BlindAI.Attestation;
using Microsoft.Extensions.Logging;

namespace BlindAI.Client.Diagnostics;

/// <summary>The client's log messages. Never tensors, model bytes, nonces, report data or tokens.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Attested {Server}: TCB {TcbStatus}, MRENCLAVE {MrEnclave}, fresh evidence {Fresh}, simulation {Simulation}, in {ElapsedMs} ms")]
    public static partial void Attested(ILogger logger, string server, string tcbStatus, string mrEnclave, bool fresh, bool simulation, double elapsedMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Attestation of {Server} failed at {Step}: {Reason}")]
    public static partial void AttestationFailed(ILogger logger, string server, VerificationStep step, AttestationFailureReason reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "INSECURE: trusting the simulation root {RootSha256} for {Server}; this server proves nothing about real hardware")]
    public static partial void TrustingSimulationRoot(ILogger logger, string rootSha256, string server);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Uploaded model {ModelId} ({Bytes} bytes, hash {ModelHash})")]
    public static partial void ModelUploaded(ILogger logger, string modelId, long bytes, string modelHash);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Ran model {Model}: {InputCount} inputs, {OutputCount} outputs in {ElapsedMs} ms")]
    public static partial void ModelRan(ILogger logger, string model, int inputCount, int outputCount, double elapsedMs);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Deleted model {ModelId}")]
    public static partial void ModelDeleted(ILogger logger, string modelId);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "{Route} failed with status {Status} ({ProblemType})")]
    public static partial void RequestFailed(ILogger logger, string route, int status, string? problemType);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "INSECURE: fresh evidence skipped (FreshEvidenceMode.InsecureSkipForOriginalServers); trusting the server on evidence made at its start, which could be replayed")]
    public static partial void FreshEvidenceSkipped(ILogger logger);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "{Server} refused the TLS handshake for the pinned key {PinnedKey}: attesting it again (renewed certificate or restart?)")]
    public static partial void Reattesting(ILogger logger, string server, string pinnedKey);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Re-attested {Server}: same enclave with a new key {NewKey} (was {PreviousKey}); TCB {TcbStatus}, fresh evidence {Fresh}; pin replaced")]
    public static partial void Reattested(ILogger logger, string server, string previousKey, string newKey, string tcbStatus, bool fresh);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Re-attestation of {Server} failed at {Step}: {Reason}; nothing was sent")]
    public static partial void ReattestationFailed(ILogger logger, string server, VerificationStep step, AttestationFailureReason reason);
}
