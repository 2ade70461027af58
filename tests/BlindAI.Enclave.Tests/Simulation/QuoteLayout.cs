using System.Buffers.Binary;
using System.Text;

namespace BlindAI.Enclave.Tests.Simulation;

/// <summary>
/// A hand-written reading of the quote layouts in reference/dcap.md, used to check the simulator's bytes independently
/// of the production parser.
/// </summary>
internal sealed record QuoteLayout(
    ushort Version,
    uint TeeType,
    int BodyOffset,
    int BodyLength,
    byte[] SignedPart,
    byte[] Signature,
    byte[] AttestationKey,
    byte[] QeReport,
    byte[] QeReportSignature,
    byte[] QeAuthData,
    ushort OuterCertificationType,
    string PckChainPem,
    int TotalLength)
{
    public static QuoteLayout Read(byte[] quote)
    {
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(quote);
        uint teeType = BinaryPrimitives.ReadUInt32LittleEndian(quote.AsSpan(4));
        int bodyOffset = 48;
        int bodyLength;
        if (version == 5)
        {
            ushort bodyType = BinaryPrimitives.ReadUInt16LittleEndian(quote.AsSpan(48));
            bodyLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(quote.AsSpan(50));
            Assert.Equal(bodyType switch { 1 => 384, 2 => 584, 3 => 648, _ => -1 }, bodyLength);
            bodyOffset = 54;
        }
        else
        {
            bodyLength = teeType == 0x81 ? 584 : 384;
        }

        int p = bodyOffset + bodyLength;
        byte[] signed = quote[..p];
        int sigDataLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(quote.AsSpan(p));
        p += 4;
        int sigDataEnd = p + sigDataLength;
        byte[] signature = quote[p..(p + 64)];
        byte[] key = quote[(p + 64)..(p + 128)];
        p += 128;
        ushort outerType = 5;
        if (version >= 4)
        {
            outerType = BinaryPrimitives.ReadUInt16LittleEndian(quote.AsSpan(p));
            int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(quote.AsSpan(p + 2));
            p += 6;
            Assert.Equal(sigDataEnd, p + size);
        }

        byte[] qeReport = quote[p..(p + 384)];
        byte[] qeSignature = quote[(p + 384)..(p + 448)];
        p += 448;
        int authLength = BinaryPrimitives.ReadUInt16LittleEndian(quote.AsSpan(p));
        byte[] auth = quote[(p + 2)..(p + 2 + authLength)];
        p += 2 + authLength;
        ushort innerType = BinaryPrimitives.ReadUInt16LittleEndian(quote.AsSpan(p));
        Assert.Equal(5, innerType);
        int pemLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(quote.AsSpan(p + 2));
        string pem = Encoding.ASCII.GetString(quote, p + 6, pemLength);
        p += 6 + pemLength;
        Assert.Equal(sigDataEnd, p);
        return new QuoteLayout(version, teeType, bodyOffset, bodyLength, signed, signature, key, qeReport, qeSignature, auth, outerType, pem, p);
    }

    public byte[] Body => SignedPart[BodyOffset..];

    public byte[] ReportData => TeeType == 0x81 ? Body[520..584] : Body[320..384];
}
