using Microsoft.Extensions.Logging;

namespace BlindAI.Attestation.Collateral;

/// <summary>Source-generated log messages of the collateral providers (no secrets: API keys are never logged).</summary>
internal static partial class CollateralLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Debug, Message = "Fetching collateral for {Request} from {Source}")]
    public static partial void Fetching(ILogger logger, CollateralRequest request, string source);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Fetched collateral for {Request} from {Source}: TCB evaluation data number {EvaluationDataNumber}, next update {NextUpdate:O}")]
    public static partial void Fetched(ILogger logger, CollateralRequest request, string source, int evaluationDataNumber, DateTimeOffset nextUpdate);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Collateral request {Url} failed with HTTP {StatusCode}")]
    public static partial void HttpFailed(ILogger logger, string url, int statusCode);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Debug, Message = "Collateral for {Request} served from cache until {ExpiresAt:O}")]
    public static partial void CacheHit(ILogger logger, CollateralRequest request, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Debug, Message = "Cached collateral for {Request} expired at {ExpiresAt:O}; fetching again")]
    public static partial void CacheExpired(ILogger logger, CollateralRequest request, DateTimeOffset expiresAt);
}
