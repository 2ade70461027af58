using System.Formats.Asn1;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// The ECDSA P-256 signature of TCB Info and QE Identity: 64 bytes r||s as Intel sends it (hex), or a DER
/// ECDSA-Sig-Value, converted to r||s.
/// </summary>
internal static class CollateralSignature
{
    public const int Length = 64;

    public static byte[] FromHex(string hex, string what)
    {
        var text = hex.AsSpan().Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            text = text[2..];
        }

        if (!HexText.TryDecode(text, out var bytes))
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidEncoding, $"{what} is not hexadecimal.");
        }

        return Normalize(bytes, what);
    }

    public static byte[] Normalize(ReadOnlySpan<byte> signature, string what)
    {
        if (signature.Length == Length)
        {
            return signature.ToArray();
        }

        try
        {
            var reader = new AsnReader(signature.ToArray(), AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var r = sequence.ReadIntegerBytes().Span;
            var s = sequence.ReadIntegerBytes().Span;
            sequence.ThrowIfNotEmpty();
            var raw = new byte[Length];
            if (!TryCopyScalar(r, raw.AsSpan(0, 32)) || !TryCopyScalar(s, raw.AsSpan(32, 32)))
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.InvalidSignatureEncoding, $"{what} has an r or s longer than 32 bytes.");
            }

            return raw;
        }
        catch (AsnContentException e)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidSignatureEncoding, $"{what} is neither 64 bytes r||s nor a DER ECDSA signature.", innerException: e);
        }
    }

    private static bool TryCopyScalar(ReadOnlySpan<byte> integer, Span<byte> destination)
    {
        if (!integer.IsEmpty && (integer[0] & 0x80) != 0)
        {
            return false; // negative
        }

        while (integer.Length > 1 && integer[0] == 0)
        {
            integer = integer[1..];
        }

        if (integer.Length > destination.Length)
        {
            return false;
        }

        integer.CopyTo(destination[(destination.Length - integer.Length)..]);
        return true;
    }
}
