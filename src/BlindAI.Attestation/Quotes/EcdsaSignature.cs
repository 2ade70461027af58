namespace BlindAI.Attestation.Quotes;

/// <summary>An ECDSA P-256 signature as the quote stores it: 64 bytes, r then s, each big-endian (IEEE P1363 format).</summary>
internal sealed class EcdsaSignature
{
    internal EcdsaSignature(ReadOnlyMemory<byte> raw) => Raw = raw;

    /// <summary>The 64 bytes r‖s, ready for <c>ECDsa.VerifyData(..., DSASignatureFormat.IeeeP1363FixedFieldConcatenation)</c>.</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    /// <summary>The 32-byte r component.</summary>
    public ReadOnlyMemory<byte> R => Raw[..32];

    /// <summary>The 32-byte s component.</summary>
    public ReadOnlyMemory<byte> S => Raw[32..];
}
