using System.Buffers.Binary;

using static BlindAI.Attestation.Tests.Quotes.LittleEndian;

namespace BlindAI.Attestation.Tests.Quotes;

/// <summary>
/// Re-frames the real quotes in the other layouts the format allows (no real vector exists for them): an SGX
/// body in a v4 or v5 quote, and a TD report 1.0 in a v5 quote. Only the framing changes; every field keeps
/// its real bytes (the signatures no longer verify, which parsing does not look at).
/// </summary>
internal static class QuoteRewriter
{
    private const int HeaderSize = 48;
    private const int SgxBodySize = 384;
    private const int TdBody10Size = 584;

    /// <summary>The SGX v3 quote as a v4 (or v5 with body type 1) quote: QE data moved into type-6 certification data.</summary>
    public static byte[] SgxV3AsV4(byte[] v3, bool asV5)
    {
        ReadOnlySpan<byte> span = v3;
        int sigDataOffset = HeaderSize + SgxBodySize + 4;
        int sigDataLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(HeaderSize + SgxBodySize)..]);
        ReadOnlySpan<byte> signatureAndKey = span.Slice(sigDataOffset, 128);
        ReadOnlySpan<byte> qeReportCertificationData = span.Slice(sigDataOffset + 128, sigDataLength - 128);

        var output = new List<byte>();
        byte[] header = span[..HeaderSize].ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(header, asV5 ? (ushort)5 : (ushort)4);
        output.AddRange(header);
        if (asV5)
        {
            output.AddRange(U16(1));
            output.AddRange(U32(SgxBodySize));
        }

        output.AddRange(span.Slice(HeaderSize, SgxBodySize).ToArray());
        output.AddRange(U32((uint)(128 + 6 + qeReportCertificationData.Length)));
        output.AddRange(signatureAndKey.ToArray());
        output.AddRange(U16(6));
        output.AddRange(U32((uint)qeReportCertificationData.Length));
        output.AddRange(qeReportCertificationData.ToArray());
        return [.. output];
    }

    /// <summary>The TDX v4 quote as a v5 quote with body type 2 (TD report 1.0).</summary>
    public static byte[] TdxV4AsV5(byte[] v4)
    {
        byte[] header = v4[..HeaderSize];
        BinaryPrimitives.WriteUInt16LittleEndian(header, 5);
        return [.. header, .. U16(2), .. U32(TdBody10Size), .. v4[HeaderSize..]];
    }
}
