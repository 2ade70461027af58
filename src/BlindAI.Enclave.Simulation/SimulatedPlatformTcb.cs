namespace BlindAI.Enclave.Simulation;

/// <summary>The platform's TCB as the PCK certificate and the quote state it.</summary>
internal sealed record SimulatedPlatformTcb
{
    /// <summary>FMSPC (6 bytes).</summary>
    public ReadOnlyMemory<byte> Fmspc { get; init; } = new byte[] { 0xB1, 0xA1, 0x00, 0x00, 0x00, 0x00 };

    /// <summary>PCE-ID (2 bytes).</summary>
    public ReadOnlyMemory<byte> PceId { get; init; } = new byte[2];

    /// <summary>The 16 SGX TCB component SVNs in the PCK certificate.</summary>
    public ReadOnlyMemory<byte> SgxTcbComponents { get; init; } = new byte[] { 11, 11, 2, 2, 255, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

    /// <summary>PCESVN in the PCK certificate and the quote header.</summary>
    public ushort PceSvn { get; init; } = 13;

    /// <summary>CPUSVN (16 bytes) in the PCK certificate and the report bodies.</summary>
    public ReadOnlyMemory<byte> CpuSvn { get; init; } = new byte[] { 11, 11, 2, 2, 255, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

    /// <summary>TDX TEE_TCB_SVN (16 bytes): [0] TDX module SVN, [1] module major version, the rest TDX TCB components.</summary>
    public ReadOnlyMemory<byte> TeeTcbSvn { get; init; } = new byte[] { 5, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

    /// <summary>TEE_TCB_SVN2 (16 bytes, TD report 1.5 only) or empty for a copy of <see cref="TeeTcbSvn"/>.</summary>
    public ReadOnlyMemory<byte> TeeTcbSvn2 { get; init; }

    /// <summary>MRSEAM (48 bytes) of the TDX module.</summary>
    public ReadOnlyMemory<byte> MrSeam { get; init; } = System.Security.Cryptography.SHA384.HashData("BlindAI simulated TDX module"u8);

    /// <summary>SGX type in the PCK certificate: 0 Standard, 1 Scalable, 2 Scalable with integrity.</summary>
    public int SgxType { get; init; } = 1;
}
