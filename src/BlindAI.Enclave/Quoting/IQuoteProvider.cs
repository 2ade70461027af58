namespace BlindAI.Enclave.Quoting;

/// <summary>Produces a DCAP quote (SGX or TDX) whose report data is chosen by the caller.</summary>
/// <example>
/// <code>
/// IQuoteProvider provider = services.GetRequiredService&lt;IQuoteProvider&gt;(); // from AddBlindAIEnclave
/// byte[] reportData = new byte[IQuoteProvider.ReportDataLength];
/// SHA256.HashData(publicKeyInfo, reportData);
/// byte[] quote = await provider.GetQuoteAsync(reportData, ct);
/// </code>
/// </example>
public interface IQuoteProvider
{
    /// <summary>The size of SGX and TDX report data: 64 bytes.</summary>
    const int ReportDataLength = 64;

    /// <summary>Which kind of platform this provider talks to.</summary>
    QuoteProviderKind Kind { get; }

    /// <summary>Gets a fresh quote binding <paramref name="reportData"/>.</summary>
    /// <param name="reportData">Exactly <see cref="ReportDataLength"/> (64) bytes of report data.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The quote bytes as the platform produced them.</returns>
    /// <exception cref="EvidenceException">The platform cannot produce a quote, or the report data is not 64 bytes.</exception>
    Task<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken);
}
