using System.Buffers.Binary;

namespace BlindAI.Attestation.Quotes;

/// <summary>
/// An SGX enclave report body (384 bytes): the body of an SGX quote and the layout of the quoting enclave's
/// report. <see cref="Raw"/> keeps the exact bytes, which the QE report signature covers.
/// </summary>
public sealed class SgxReportBody
{
    /// <summary>The DEBUG bit of <see cref="AttributeFlags"/>: the enclave's memory can be read by a debugger.</summary>
    public const ulong DebugFlag = 0x2;

    /// <summary>The INIT bit of <see cref="AttributeFlags"/>, set in every initialised enclave.</summary>
    public const ulong InitFlag = 0x1;

    internal SgxReportBody(ReadOnlyMemory<byte> raw)
    {
        ReadOnlySpan<byte> span = raw.Span;
        Raw = raw;
        CpuSvn = Measurement.Wrap(raw.Slice(QuoteLayout.Sgx.CpuSvn, QuoteLayout.Sgx.CpuSvnSize));
        MiscSelect = BinaryPrimitives.ReadUInt32LittleEndian(span[QuoteLayout.Sgx.MiscSelect..]);
        IsvExtProdId = Measurement.Wrap(raw.Slice(QuoteLayout.Sgx.IsvExtProdId, QuoteLayout.Sgx.IsvExtProdIdSize));
        Attributes = Measurement.Wrap(raw.Slice(QuoteLayout.Sgx.Attributes, QuoteLayout.Sgx.AttributesSize));
        AttributeFlags = BinaryPrimitives.ReadUInt64LittleEndian(span[QuoteLayout.Sgx.AttributeFlags..]);
        Xfrm = BinaryPrimitives.ReadUInt64LittleEndian(span[QuoteLayout.Sgx.Xfrm..]);
        MrEnclave = Measurement.Wrap(raw.Slice(QuoteLayout.Sgx.MrEnclave, QuoteLayout.Sgx.MrEnclaveSize));
        MrSigner = Measurement.Wrap(raw.Slice(QuoteLayout.Sgx.MrSigner, QuoteLayout.Sgx.MrSignerSize));
        ConfigId = Measurement.Wrap(raw.Slice(QuoteLayout.Sgx.ConfigId, QuoteLayout.Sgx.ConfigIdSize));
        IsvProdId = BinaryPrimitives.ReadUInt16LittleEndian(span[QuoteLayout.Sgx.IsvProdId..]);
        IsvSvn = BinaryPrimitives.ReadUInt16LittleEndian(span[QuoteLayout.Sgx.IsvSvn..]);
        ConfigSvn = BinaryPrimitives.ReadUInt16LittleEndian(span[QuoteLayout.Sgx.ConfigSvn..]);
        IsvFamilyId = Measurement.Wrap(raw.Slice(QuoteLayout.Sgx.IsvFamilyId, QuoteLayout.Sgx.IsvFamilyIdSize));
        ReportData = Measurement.Wrap(raw.Slice(QuoteLayout.Sgx.ReportData, QuoteLayout.Sgx.ReportDataSize));
    }

    /// <summary>The CPU security version of the platform (16 bytes).</summary>
    public Measurement CpuSvn { get; }

    /// <summary>MISCSELECT: extended features the enclave saves on an exception.</summary>
    public uint MiscSelect { get; }

    /// <summary>ISVEXTPRODID (16 bytes).</summary>
    public Measurement IsvExtProdId { get; }

    /// <summary>The 16 ATTRIBUTES bytes as they appear in the report (flags then XFRM, little-endian).</summary>
    public Measurement Attributes { get; }

    /// <summary>The attribute flags (the first 8 ATTRIBUTES bytes).</summary>
    public ulong AttributeFlags { get; }

    /// <summary>XFRM: the extended CPU state the enclave uses (the last 8 ATTRIBUTES bytes).</summary>
    public ulong Xfrm { get; }

    /// <summary>Whether the enclave runs in debug mode (<see cref="DebugFlag"/> set): its secrets are not protected.</summary>
    public bool IsDebug => (AttributeFlags & DebugFlag) != 0;

    /// <summary>MRENCLAVE: the measurement of the enclave's code and initial data (32 bytes).</summary>
    public Measurement MrEnclave { get; }

    /// <summary>MRSIGNER: the hash of the enclave signer's public key (32 bytes).</summary>
    public Measurement MrSigner { get; }

    /// <summary>CONFIGID (64 bytes).</summary>
    public Measurement ConfigId { get; }

    /// <summary>ISVPRODID: the product id the signer assigned.</summary>
    public ushort IsvProdId { get; }

    /// <summary>ISVSVN: the security version the signer assigned.</summary>
    public ushort IsvSvn { get; }

    /// <summary>CONFIGSVN.</summary>
    public ushort ConfigSvn { get; }

    /// <summary>ISVFAMILYID (16 bytes).</summary>
    public Measurement IsvFamilyId { get; }

    /// <summary>The 64 bytes of report data the enclave chose (for example a hash binding a TLS key).</summary>
    public Measurement ReportData { get; }

    /// <summary>The exact 384 bytes of the report body.</summary>
    public ReadOnlyMemory<byte> Raw { get; }
}
