namespace BlindAI.Attestation.Pck;

/// <summary>
/// The TCB a PCK certificate was issued for (OID 1.2.840.113741.1.13.1.2): the 16 SGX TCB component SVNs,
/// the PCE SVN and the CPUSVN. TCB level matching compares these values, not the quote's CPUSVN.
/// </summary>
internal sealed class PckTcb
{
    internal PckTcb(byte[] sgxTcbComponents, ushort pceSvn, Measurement cpuSvn)
    {
        SgxTcbComponents = sgxTcbComponents;
        PceSvn = pceSvn;
        CpuSvn = cpuSvn;
    }

    /// <summary>The 16 SGX TCB component SVNs, in order (component 1 first).</summary>
    public IReadOnlyList<byte> SgxTcbComponents { get; }

    /// <summary>The PCE security version.</summary>
    public ushort PceSvn { get; }

    /// <summary>The CPUSVN (16 bytes).</summary>
    public Measurement CpuSvn { get; }
}
