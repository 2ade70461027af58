namespace BlindAI.Enclave.Quoting;

/// <summary>Sizes shared by every quote provider.</summary>
public static class QuoteConstants
{
    /// <summary>The size of SGX and TDX report data: 64 bytes.</summary>
    public const int ReportDataLength = 64;

    /// <summary>The largest quote a provider accepts from the platform (64 KiB); real DCAP quotes are about 5 KB.</summary>
    public const int MaxQuoteLength = 64 * 1024;

    internal static void ValidateReportData(ReadOnlyMemory<byte> reportData)
    {
        if (reportData.Length != ReportDataLength)
        {
            throw new EvidenceException(
                EvidenceErrorReason.InvalidReportData,
                $"Report data must be exactly {ReportDataLength} bytes; got {reportData.Length}.");
        }
    }
}
