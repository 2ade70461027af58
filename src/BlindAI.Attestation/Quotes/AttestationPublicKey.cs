using System.Security.Cryptography;

namespace BlindAI.Attestation.Quotes;

/// <summary>The quote's attestation public key: an uncompressed P-256 point stored as 64 bytes, x then y, big-endian.</summary>
internal sealed class AttestationPublicKey
{
    internal AttestationPublicKey(ReadOnlyMemory<byte> raw) => Raw = raw;

    /// <summary>The 64 bytes x‖y (the QE report data hashes exactly these bytes).</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    /// <summary>The 32-byte x coordinate.</summary>
    public ReadOnlyMemory<byte> X => Raw[..32];

    /// <summary>The 32-byte y coordinate.</summary>
    public ReadOnlyMemory<byte> Y => Raw[32..];

    /// <summary>Creates an ECDSA key for verifying the quote signature. The caller disposes it.</summary>
    /// <returns>The public key.</returns>
    /// <exception cref="AttestationFormatException">The bytes are not a point on P-256 (reason <see cref="AttestationFormatErrorReason.InvalidField"/>).</exception>
    public ECDsa CreateEcdsa()
    {
        var parameters = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = X.ToArray(), Y = Y.ToArray() },
        };
        try
        {
            return ECDsa.Create(parameters);
        }
        catch (CryptographicException ex)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidField, "The attestation public key is not a valid P-256 point.", innerException: ex);
        }
    }
}
