using System.Security.Cryptography;

namespace BlindAI.Enclave.Simulation;

/// <summary>The measured identity of a simulated SGX enclave, as written into its report body.</summary>
internal sealed record SimulatedSgxEnclave
{
    /// <summary>ATTRIBUTES.FLAGS bit 1: DEBUG.</summary>
    public const ulong DebugFlag = 0x2;

    /// <summary>MRENCLAVE (32 bytes).</summary>
    public ReadOnlyMemory<byte> MrEnclave { get; init; } = SHA256.HashData("BlindAI simulated enclave"u8);

    /// <summary>MRSIGNER (32 bytes).</summary>
    public ReadOnlyMemory<byte> MrSigner { get; init; } = SHA256.HashData("BlindAI simulated enclave signer"u8);

    /// <summary>ISVPRODID.</summary>
    public ushort IsvProdId { get; init; }

    /// <summary>ISVSVN.</summary>
    public ushort IsvSvn { get; init; }

    /// <summary>ATTRIBUTES.FLAGS; 0x5 (INIT | MODE64BIT) by default. Add <see cref="DebugFlag"/> for a debug enclave.</summary>
    public ulong AttributeFlags { get; init; } = 0x5;

    /// <summary>ATTRIBUTES.XFRM; 0xE7 by default.</summary>
    public ulong Xfrm { get; init; } = 0xE7;

    /// <summary>MISCSELECT.</summary>
    public uint MiscSelect { get; init; }

    /// <summary>CONFIGSVN.</summary>
    public ushort ConfigSvn { get; init; }

    /// <summary>CONFIGID (64 bytes) or empty for zeros.</summary>
    public ReadOnlyMemory<byte> ConfigId { get; init; }

    /// <summary>Whether the DEBUG flag is set.</summary>
    public bool IsDebug => (AttributeFlags & DebugFlag) != 0;
}
