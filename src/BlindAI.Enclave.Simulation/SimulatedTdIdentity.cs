using System.Security.Cryptography;

namespace BlindAI.Enclave.Simulation;

/// <summary>The measured identity of a simulated TDX trust domain, as written into its TD report.</summary>
internal sealed record SimulatedTdIdentity
{
    /// <summary>TDATTRIBUTES bit 0: DEBUG.</summary>
    public const ulong DebugFlag = 0x1;

    /// <summary>TDATTRIBUTES bit 28: SEPT_VE_DISABLE (verifiers expect it set).</summary>
    public const ulong SeptVeDisableFlag = 1UL << 28;

    /// <summary>MRTD (48 bytes).</summary>
    public ReadOnlyMemory<byte> MrTd { get; init; } = SHA384.HashData("BlindAI simulated TD"u8);

    /// <summary>RTMR0..RTMR3 (4 × 48 bytes); empty entries are zeros.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Rtmrs { get; init; } = [SHA384.HashData("rtmr0"u8), SHA384.HashData("rtmr1"u8), SHA384.HashData("rtmr2"u8), new byte[48]];

    /// <summary>TDATTRIBUTES; SEPT_VE_DISABLE only by default. Add <see cref="DebugFlag"/> for a debug TD.</summary>
    public ulong TdAttributes { get; init; } = SeptVeDisableFlag;

    /// <summary>XFAM; 0xE7 by default.</summary>
    public ulong Xfam { get; init; } = 0xE7;

    /// <summary>MRCONFIGID (48 bytes) or empty for zeros.</summary>
    public ReadOnlyMemory<byte> MrConfigId { get; init; }

    /// <summary>MROWNER (48 bytes) or empty for zeros.</summary>
    public ReadOnlyMemory<byte> MrOwner { get; init; }

    /// <summary>MROWNERCONFIG (48 bytes) or empty for zeros.</summary>
    public ReadOnlyMemory<byte> MrOwnerConfig { get; init; }

    /// <summary>MRSERVICETD (48 bytes, TD report 1.5 only) or empty for zeros.</summary>
    public ReadOnlyMemory<byte> MrServiceTd { get; init; }

    /// <summary>Whether the DEBUG attribute is set.</summary>
    public bool IsDebug => (TdAttributes & DebugFlag) != 0;
}
