using BlindAI.Enclave.Quoting;
using Microsoft.Extensions.Logging;

namespace BlindAI.Enclave.Logging;

/// <summary>Source-generated log messages. None of them carries report data, quotes, nonces or keys.</summary>
internal static partial class EnclaveLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Requesting a quote from {Provider}")]
    public static partial void QuoteRequested(ILogger logger, QuoteProviderKind provider);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Quote from {Provider}: {Length} bytes in {ElapsedMilliseconds} ms")]
    public static partial void QuoteProduced(ILogger logger, QuoteProviderKind provider, int length, long elapsedMilliseconds);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Quote from {Provider} failed: {Reason}")]
    public static partial void QuoteFailed(ILogger logger, QuoteProviderKind provider, EnclaveErrorReason reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Could not remove configfs-tsm report entry {Entry}")]
    public static partial void TsmCleanupFailed(ILogger logger, string entry, Exception exception);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Selected quote provider {Provider}")]
    public static partial void ProviderSelected(ILogger logger, QuoteProviderKind provider);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Built an RA-TLS certificate ({KeyAlgorithm}, DICE evidence: {Dice}, legacy evidence: {Legacy}, {Length} bytes, valid until {NotAfter:O})")]
    public static partial void CertificateBuilt(ILogger logger, string keyAlgorithm, bool dice, bool legacy, int length, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "Issued a fresh nonce-bound quote ({Length} bytes)")]
    public static partial void FreshQuoteIssued(ILogger logger, int length);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Unsealing failed: {Reason}")]
    public static partial void UnsealFailed(ILogger logger, EnclaveErrorReason reason);
}
