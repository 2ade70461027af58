using Microsoft.Extensions.Logging;

namespace BlindAI.Server.Hosting;

/// <summary>The renewal service's log messages: thumbprints and times only, never keys, quotes or report data.</summary>
internal static partial class CertificateRenewalLog
{
    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "RA-TLS certificate renewal due at {DueAt:O} (certificate {Thumbprint}, valid until {NotAfter:O})")]
    public static partial void Scheduled(ILogger logger, DateTimeOffset dueAt, string thumbprint, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 61, Level = LogLevel.Information, Message = "RA-TLS certificate renewed with a new key and fresh quotes: {OldThumbprint} replaced by {NewThumbprint}, valid until {NotAfter:O}")]
    public static partial void Renewed(ILogger logger, string oldThumbprint, string newThumbprint, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 62, Level = LogLevel.Error, Message = "RA-TLS certificate renewal failed; certificate {Thumbprint} stays in use until it expires at {NotAfter:O}; next attempt in {RetryIn}")]
    public static partial void RenewalFailed(ILogger logger, string thumbprint, DateTimeOffset notAfter, TimeSpan retryIn, Exception exception);

    [LoggerMessage(EventId = 63, Level = LogLevel.Critical, Message = "RA-TLS certificate {Thumbprint} expired at {NotAfter:O} and could not be renewed: TLS handshakes, evidence routes and health checks are refused until a renewal succeeds")]
    public static partial void Expired(ILogger logger, string thumbprint, DateTimeOffset notAfter);
}
