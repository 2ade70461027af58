using System.Buffers.Binary;
using BlindAI.Attestation.Quotes;

namespace BlindAI.Attestation.RaTls;

/// <summary>
/// Finds a quote's report data from its header alone, so that the key binding can be checked (and reported) even when
/// the rest of the quote is of a kind the parser does not accept (for example certification data type 3).
/// </summary>
internal static class QuoteReportData
{
    private const int SgxReportDataOffset = 320;
    private const int TdReportDataOffset = 520;
    private const int ReportDataSize = 64;

    public static ReadOnlySpan<byte> Locate(ReadOnlySpan<byte> quote)
    {
        if (quote.Length < QuoteLayout.HeaderSize)
        {
            throw new AttestationFormatException(AttestationFormatError.Truncated, $"The evidence quote is {quote.Length} bytes, shorter than a quote header.", quote.Length);
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(quote);
        uint teeType = BinaryPrimitives.ReadUInt32LittleEndian(quote[QuoteLayout.TeeTypeOffset..]);
        int offset = version switch
        {
            3 => QuoteLayout.HeaderSize + SgxReportDataOffset,
            4 when teeType == 0 => QuoteLayout.HeaderSize + SgxReportDataOffset,
            4 when teeType == 0x81 => QuoteLayout.HeaderSize + TdReportDataOffset,
            5 when quote.Length >= QuoteLayout.HeaderSize + 2 => BinaryPrimitives.ReadUInt16LittleEndian(quote[QuoteLayout.HeaderSize..]) switch
            {
                1 => QuoteLayout.HeaderSize + QuoteLayout.BodyDescriptorSize + SgxReportDataOffset,
                2 or 3 => QuoteLayout.HeaderSize + QuoteLayout.BodyDescriptorSize + TdReportDataOffset,
                _ => throw new AttestationFormatException(AttestationFormatError.UnsupportedTeeType, "The evidence quote's v5 body type is not 1, 2 or 3.", QuoteLayout.HeaderSize),
            },
            3 or 4 or 5 => throw new AttestationFormatException(AttestationFormatError.UnsupportedTeeType, $"The evidence quote's TEE type 0x{teeType:x8} is not SGX or TDX.", QuoteLayout.TeeTypeOffset),
            _ => throw new AttestationFormatException(AttestationFormatError.UnsupportedVersion, $"The evidence quote's version {version} is not 3, 4 or 5.", 0),
        };
        if (quote.Length < offset + ReportDataSize)
        {
            throw new AttestationFormatException(AttestationFormatError.Truncated, "The evidence quote ends before its report data.", quote.Length);
        }

        return quote.Slice(offset, ReportDataSize);
    }
}
