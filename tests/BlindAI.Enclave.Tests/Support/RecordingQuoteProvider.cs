using System.Buffers.Binary;
using BlindAI.Enclave.Quoting;

namespace BlindAI.Enclave.Tests.Support;

/// <summary>
/// Stands in for the TEE at its hardware boundary: returns an SGX v3-shaped quote (header + ISV report body with the
/// requested report data at offset 368 + padding) and records every report data it was asked for.
/// </summary>
internal sealed class RecordingQuoteProvider(int quoteLength = 4600) : IQuoteProvider
{
    public const int ReportDataOffset = 48 + 320;

    public List<byte[]> Requests { get; } = [];

    public QuoteProviderKind Kind => QuoteProviderKind.Simulation;

    public Task<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken)
    {
        Assert.Equal(IQuoteProvider.ReportDataLength, reportData.Length);
        Requests.Add(reportData.ToArray());
        byte[] quote = new byte[quoteLength];
        BinaryPrimitives.WriteUInt16LittleEndian(quote, 3);
        BinaryPrimitives.WriteUInt16LittleEndian(quote.AsSpan(2), 2);
        reportData.Span.CopyTo(quote.AsSpan(ReportDataOffset));
        return Task.FromResult(quote);
    }
}
