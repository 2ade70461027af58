using BlindAI.Enclave;
using BlindAI.Enclave.Quoting;
using Microsoft.Extensions.Logging;

namespace BlindAI.Server.Diagnostics;

/// <summary>
/// Every log message of the host. None carries tensors, model bytes, report data, nonces, quotes or tokens: only
/// identifiers, sizes, counts and outcomes.
/// </summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "RA-TLS identity ready: certificate {Thumbprint}, quotes from {QuoteProvider}, compatibility quote {QuoteLength} bytes")]
    public static partial void IdentityReady(ILogger logger, string thumbprint, QuoteProviderKind quoteProvider, int quoteLength);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "SIMULATION MODE: no TEE protects this server. Quotes are signed by a throwaway simulated platform (data in {PlatformDirectory}; clients trust it only by naming {RootCertificatePath}). Never use this for real data.")]
    public static partial void SimulationWarning(ILogger logger, string platformDirectory, string rootCertificatePath);

    [LoggerMessage(EventId = 3, Level = LogLevel.Critical, Message = "No TEE quote provider is available ({Reason}); refusing to start. Run under Gramine SGX or in a TDX guest, or pass --simulation for a test server.")]
    public static partial void NoQuoteProvider(ILogger logger, EnclaveErrorReason reason, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Listening: untrusted http://{UntrustedEndpoint}, attested https://{AttestedEndpoint}, management https://{ManagementEndpoint}")]
    public static partial void Listening(ILogger logger, string untrustedEndpoint, string attestedEndpoint, string managementEndpoint);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Collateral refreshed; next update {NextUpdate:O}")]
    public static partial void CollateralRefreshed(ILogger logger, DateTimeOffset nextUpdate);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Model management has no token (ManagementTokenSha256): whoever reaches {ManagementEndpoint} can upload and delete models. Serving only loopback callers does not keep out the host's operator, who in an enclave owns the network stack, loopback included.")]
    public static partial void ManagementWithoutToken(ILogger logger, string managementEndpoint);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "{Method} {Route} refused: {ProblemCode} ({Status})")]
    public static partial void ProblemReturned(ILogger logger, string method, string route, string problemCode, int status);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "{Method} {Route} failed unexpectedly")]
    public static partial void UnexpectedError(ILogger logger, string method, string route, Exception exception);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Management request from {RemoteAddress} refused: {Reason}")]
    public static partial void ManagementRefused(ILogger logger, string remoteAddress, string reason);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Model {ModelId} uploaded ({SizeBytes} bytes)")]
    public static partial void ModelUploaded(ILogger logger, Guid modelId, long sizeBytes);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Model {ModelId} deleted")]
    public static partial void ModelDeleted(ILogger logger, Guid modelId);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "Sealed model store at {Directory}: {Count} model(s) restored")]
    public static partial void ModelsRestored(ILogger logger, string directory, int count);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "No sealing key ({Reason}): models are kept in memory only and lost on restart")]
    public static partial void SealingUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 24, Level = LogLevel.Information, Message = "Model persistence is off: models are kept in memory only")]
    public static partial void PersistenceDisabled(ILogger logger);

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Started in {ElapsedMilliseconds} ms ({SinceProcessStartMilliseconds} ms after the process started)")]
    public static partial void Started(ILogger logger, long elapsedMilliseconds, long sinceProcessStartMilliseconds);
}
