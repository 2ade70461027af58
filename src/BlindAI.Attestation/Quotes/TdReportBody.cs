using System.Buffers.Binary;

namespace BlindAI.Attestation.Quotes;

/// <summary>A TDX TD report body: version 1.0 (584 bytes) or 1.5 (648 bytes, adding TEE_TCB_SVN2 and MRSERVICETD).</summary>
public sealed class TdReportBody
{
    /// <summary>The DEBUG bit of <see cref="TdAttributes"/>: the TD's state can be read by the host.</summary>
    public const ulong DebugAttribute = 0x1;

    /// <summary>The SEPT_VE_DISABLE bit of <see cref="TdAttributes"/> (bit 28).</summary>
    public const ulong SeptVeDisableAttribute = 1UL << 28;

    private readonly Measurement[] _rtmrs;

    internal TdReportBody(ReadOnlyMemory<byte> raw, QuoteBodyType bodyType)
    {
        ReadOnlySpan<byte> span = raw.Span;
        const int Sha384 = QuoteLayout.Td.Sha384Size;
        Raw = raw;
        BodyType = bodyType;
        TeeTcbSvn = Measurement.Wrap(raw.Slice(QuoteLayout.Td.TeeTcbSvn, QuoteLayout.Td.TeeTcbSvnSize));
        MrSeam = Measurement.Wrap(raw.Slice(QuoteLayout.Td.MrSeam, Sha384));
        MrSignerSeam = Measurement.Wrap(raw.Slice(QuoteLayout.Td.MrSignerSeam, Sha384));
        SeamAttributes = BinaryPrimitives.ReadUInt64LittleEndian(span[QuoteLayout.Td.SeamAttributes..]);
        TdAttributes = BinaryPrimitives.ReadUInt64LittleEndian(span[QuoteLayout.Td.TdAttributes..]);
        Xfam = BinaryPrimitives.ReadUInt64LittleEndian(span[QuoteLayout.Td.Xfam..]);
        MrTd = Measurement.Wrap(raw.Slice(QuoteLayout.Td.MrTd, Sha384));
        MrConfigId = Measurement.Wrap(raw.Slice(QuoteLayout.Td.MrConfigId, Sha384));
        MrOwner = Measurement.Wrap(raw.Slice(QuoteLayout.Td.MrOwner, Sha384));
        MrOwnerConfig = Measurement.Wrap(raw.Slice(QuoteLayout.Td.MrOwnerConfig, Sha384));
        _rtmrs = new Measurement[QuoteLayout.Td.RtmrCount];
        for (int i = 0; i < _rtmrs.Length; i++)
        {
            _rtmrs[i] = Measurement.Wrap(raw.Slice(QuoteLayout.Td.Rtmr0 + (i * Sha384), Sha384));
        }

        ReportData = Measurement.Wrap(raw.Slice(QuoteLayout.Td.ReportData, QuoteLayout.Td.ReportDataSize));
        if (bodyType == QuoteBodyType.TdReport15)
        {
            TeeTcbSvn2 = Measurement.Wrap(raw.Slice(QuoteLayout.Td.TeeTcbSvn2, QuoteLayout.Td.TeeTcbSvnSize));
            MrServiceTd = Measurement.Wrap(raw.Slice(QuoteLayout.Td.MrServiceTd, Sha384));
        }
    }

    /// <summary><see cref="QuoteBodyType.TdReport10"/> or <see cref="QuoteBodyType.TdReport15"/>.</summary>
    internal QuoteBodyType BodyType { get; }

    /// <summary>TEE_TCB_SVN (16 bytes): [0] TDX module ISVSVN, [1] module major version, the rest TDX TCB components.</summary>
    public Measurement TeeTcbSvn { get; }

    /// <summary>MRSEAM: the measurement of the TDX module (48 bytes).</summary>
    public Measurement MrSeam { get; }

    /// <summary>MRSIGNERSEAM: the TDX module signer (48 bytes, zero for Intel's modules).</summary>
    public Measurement MrSignerSeam { get; }

    /// <summary>SEAMATTRIBUTES (zero for production modules).</summary>
    public ulong SeamAttributes { get; }

    /// <summary>TDATTRIBUTES: bit 0 DEBUG, bit 28 SEPT_VE_DISABLE, others reserved or features.</summary>
    public ulong TdAttributes { get; }

    /// <summary>Whether the TD runs in debug mode (<see cref="DebugAttribute"/> set): its memory is not protected.</summary>
    public bool IsDebug => (TdAttributes & DebugAttribute) != 0;

    /// <summary>XFAM: the extended CPU features the TD may use.</summary>
    public ulong Xfam { get; }

    /// <summary>MRTD: the measurement of the TD's initial contents (48 bytes).</summary>
    public Measurement MrTd { get; }

    /// <summary>MRCONFIGID: software-defined configuration id (48 bytes).</summary>
    public Measurement MrConfigId { get; }

    /// <summary>MROWNER: software-defined owner id (48 bytes).</summary>
    public Measurement MrOwner { get; }

    /// <summary>MROWNERCONFIG: software-defined owner configuration (48 bytes).</summary>
    public Measurement MrOwnerConfig { get; }

    /// <summary>RTMR0 to RTMR3, the run-time extendable measurement registers (48 bytes each).</summary>
    public IReadOnlyList<Measurement> Rtmrs => _rtmrs;

    /// <summary>RTMR0: firmware configuration.</summary>
    public Measurement Rtmr0 => _rtmrs[0];

    /// <summary>RTMR1: OS loader and kernel.</summary>
    public Measurement Rtmr1 => _rtmrs[1];

    /// <summary>RTMR2: OS and application.</summary>
    public Measurement Rtmr2 => _rtmrs[2];

    /// <summary>RTMR3: reserved for run-time use.</summary>
    public Measurement Rtmr3 => _rtmrs[3];

    /// <summary>The 64 bytes of report data the TD chose.</summary>
    public Measurement ReportData { get; }

    /// <summary>TEE_TCB_SVN2 (TD report 1.5 only; otherwise <see langword="null"/>).</summary>
    public Measurement? TeeTcbSvn2 { get; }

    /// <summary>MRSERVICETD (TD report 1.5 only; otherwise <see langword="null"/>).</summary>
    public Measurement? MrServiceTd { get; }

    /// <summary>The exact bytes of the report body (584 or 648).</summary>
    public ReadOnlyMemory<byte> Raw { get; }
}
