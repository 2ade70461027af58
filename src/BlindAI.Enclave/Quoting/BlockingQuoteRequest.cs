using System.Diagnostics;
using BlindAI.Enclave.Logging;
using Microsoft.Extensions.Logging;

namespace BlindAI.Enclave.Quoting;

/// <summary>Runs a blocking pseudo-file quote request off the caller's thread, with timing and failure logging.</summary>
internal static class BlockingQuoteRequest
{
    public static async Task<byte[]> RunAsync(QuoteProviderKind kind, ILogger logger, Func<byte[]> getQuote, CancellationToken cancellationToken)
    {
        EnclaveLog.QuoteRequested(logger, kind);
        try
        {
            long start = Stopwatch.GetTimestamp();
            byte[] quote = await Task.Run(getQuote, cancellationToken).ConfigureAwait(false);
            EnclaveLog.QuoteProduced(logger, kind, quote.Length, (long)Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            return quote;
        }
        catch (EvidenceException e)
        {
            EnclaveLog.QuoteFailed(logger, kind, e.Reason);
            throw;
        }
    }
}
