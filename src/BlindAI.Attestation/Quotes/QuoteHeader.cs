using System.Buffers.Binary;

namespace BlindAI.Attestation.Quotes;

/// <summary>The 48-byte quote header.</summary>
public sealed class QuoteHeader
{
    internal QuoteHeader(ReadOnlyMemory<byte> raw)
    {
        ReadOnlySpan<byte> span = raw.Span;
        Raw = raw;
        Version = BinaryPrimitives.ReadUInt16LittleEndian(span[QuoteLayout.VersionOffset..]);
        AttestationKeyType = (AttestationKeyType)BinaryPrimitives.ReadUInt16LittleEndian(span[QuoteLayout.AttestationKeyTypeOffset..]);
        TeeType = (TeeType)BinaryPrimitives.ReadUInt32LittleEndian(span[QuoteLayout.TeeTypeOffset..]);
        QeSvn = BinaryPrimitives.ReadUInt16LittleEndian(span[QuoteLayout.QeSvnOffset..]);
        PceSvn = BinaryPrimitives.ReadUInt16LittleEndian(span[QuoteLayout.PceSvnOffset..]);
        QeVendorId = Measurement.Wrap(raw.Slice(QuoteLayout.QeVendorIdOffset, QuoteLayout.QeVendorIdSize));
        UserData = Measurement.Wrap(raw.Slice(QuoteLayout.UserDataOffset, QuoteLayout.UserDataSize));
    }

    /// <summary>The quote format version: 3, 4 or 5.</summary>
    public ushort Version { get; }

    /// <summary>The attestation key algorithm (always <see cref="AttestationKeyType.EcdsaP256"/> once parsed).</summary>
    internal AttestationKeyType AttestationKeyType { get; }

    /// <summary>The TEE that produced the quote (v3 quotes carry 0, i.e. SGX).</summary>
    public TeeType TeeType { get; }

    /// <summary>The quoting enclave's security version as the header states it (not authenticated; the QE report is).</summary>
    public ushort QeSvn { get; }

    /// <summary>The provisioning certification enclave's security version as the header states it.</summary>
    public ushort PceSvn { get; }

    /// <summary>The QE vendor id (always Intel's once parsed).</summary>
    public Measurement QeVendorId { get; }

    /// <summary>The 20 bytes of user data; the first 16 are the platform-specific QE id.</summary>
    public Measurement UserData { get; }

    /// <summary>The 48 header bytes.</summary>
    public ReadOnlyMemory<byte> Raw { get; }
}
