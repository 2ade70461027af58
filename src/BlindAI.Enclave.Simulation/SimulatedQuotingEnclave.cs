using System.Security.Cryptography;

namespace BlindAI.Enclave.Simulation;

/// <summary>The identity of a simulated quoting enclave (SGX QE or TDX TD_QE), as its QE report states it.</summary>
internal sealed record SimulatedQuotingEnclave
{
    /// <summary>The quoting enclave's MRSIGNER (32 bytes).</summary>
    public ReadOnlyMemory<byte> MrSigner { get; init; } = SHA256.HashData("BlindAI simulated quoting enclave signer"u8);

    /// <summary>ISVPRODID of the SGX QE (Intel uses 1).</summary>
    public ushort SgxIsvProdId { get; init; } = 1;

    /// <summary>ISVPRODID of the TDX TD_QE (Intel uses 2).</summary>
    public ushort TdxIsvProdId { get; init; } = 2;

    /// <summary>ISVSVN of the quoting enclave; also the QE SVN of the quote header.</summary>
    public ushort IsvSvn { get; init; } = 8;

    /// <summary>ATTRIBUTES.FLAGS of the QE report; 0x11 (INIT | PROVISIONKEY) like Intel's QE.</summary>
    public ulong AttributeFlags { get; init; } = 0x11;

    /// <summary>ATTRIBUTES.XFRM of the QE report.</summary>
    public ulong Xfrm { get; init; } = 0xE7;

    /// <summary>QE authentication data (Intel's QE sends 32 bytes 0..31).</summary>
    public ReadOnlyMemory<byte> AuthenticationData { get; init; } = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
}
