namespace BlindAI.Enclave.Quoting;

/// <summary>Sizes shared by every quote provider.</summary>
internal static class QuoteConstants
{
    /// <summary>The largest quote a provider accepts from the platform (64 KiB); real DCAP quotes are about 5 KB.</summary>
    public const int MaxQuoteLength = 64 * 1024;

    internal static void ValidateReportData(ReadOnlyMemory<byte> reportData)
    {
        if (reportData.Length != IQuoteProvider.ReportDataLength)
        {
            throw new EvidenceException(
                EnclaveErrorReason.InvalidReportData,
                $"Report data must be exactly {IQuoteProvider.ReportDataLength} bytes; got {reportData.Length}.");
        }
    }
}
