namespace BlindAI.Enclave.Quoting;

/// <summary>Produces a DCAP quote (SGX or TDX) whose report data is chosen by the caller.</summary>
public interface IQuoteProvider
{
    /// <summary>Which kind of platform this provider talks to.</summary>
    QuoteProviderKind Kind { get; }

    /// <summary>Gets a fresh quote binding <paramref name="reportData"/>.</summary>
    /// <param name="reportData">Exactly <see cref="QuoteConstants.ReportDataLength"/> (64) bytes of report data.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The quote bytes as the platform produced them.</returns>
    /// <exception cref="EvidenceException">The platform cannot produce a quote, or the report data is not 64 bytes.</exception>
    Task<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken);
}
