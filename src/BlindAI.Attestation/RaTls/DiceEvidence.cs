using System.Formats.Cbor;

namespace BlindAI.Attestation.RaTls;

/// <summary>
/// Strict reader of Interoperable RA-TLS tagged evidence: tag 60000 over a definite array of exactly two definite
/// byte strings [quote, claims]; claims a definite map with text keys. Reports (tags 60001/60002) are refused: they
/// cannot be verified remotely.
/// </summary>
internal sealed class DiceEvidence
{
    private const int MinimumQuoteLength = 436;

    private DiceEvidence(ReadOnlyMemory<byte> quote, ReadOnlyMemory<byte> claims, (int Algorithm, ReadOnlyMemory<byte> Value)? publicKeyHash, ReadOnlyMemory<byte>? nonce)
    {
        Quote = quote;
        Claims = claims;
        PublicKeyHash = publicKeyHash;
        Nonce = nonce;
    }

    public ReadOnlyMemory<byte> Quote { get; }

    public ReadOnlyMemory<byte> Claims { get; }

    public (int Algorithm, ReadOnlyMemory<byte> Value)? PublicKeyHash { get; }

    public ReadOnlyMemory<byte>? Nonce { get; }

    public static DiceEvidence Parse(byte[] value)
    {
        try
        {
            var reader = new CborReader(value, CborConformanceMode.Strict);
            CborTag tag = reader.ReadTag();
            if ((ulong)tag != RaTlsOids.IntelTeeQuoteCborTag)
            {
                throw Invalid($"The DICE evidence has CBOR tag {(ulong)tag}; only {RaTlsOids.IntelTeeQuoteCborTag} (Intel TEE quote) can be verified remotely.");
            }

            if (reader.ReadStartArray() != 2)
            {
                throw Invalid("The DICE evidence must be a definite array of exactly two items [quote, claims].");
            }

            byte[] quote = ReadDefiniteByteString(reader, "quote");
            byte[] claims = ReadDefiniteByteString(reader, "claims");
            reader.ReadEndArray();
            if (reader.BytesRemaining != 0)
            {
                throw Invalid("The DICE evidence has bytes after the tagged array.");
            }

            if (quote.Length < MinimumQuoteLength)
            {
                throw Invalid($"The DICE evidence quote is {quote.Length} bytes, too short for a quote.");
            }

            if (claims.Length == 0)
            {
                throw Invalid("The DICE evidence claims are empty.");
            }

            (var publicKeyHash, var nonce) = ReadClaims(claims);
            return new DiceEvidence(quote, claims, publicKeyHash, nonce);
        }
        catch (CborContentException e)
        {
            throw Invalid($"The DICE evidence is not valid CBOR: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            throw Invalid($"The DICE evidence does not have the expected CBOR structure: {e.Message}", e);
        }
        catch (OverflowException e)
        {
            // CborReader reports integers and lengths it cannot represent this way.
            throw Invalid($"The DICE evidence holds a number out of range: {e.Message}", e);
        }
    }

    private static ((int, ReadOnlyMemory<byte>)?, ReadOnlyMemory<byte>?) ReadClaims(byte[] claims)
    {
        var reader = new CborReader(claims, CborConformanceMode.Strict);
        int? count = reader.ReadStartMap();
        if (count is null or 0)
        {
            throw Invalid("The DICE claims must be a definite, non-empty map.");
        }

        (int, ReadOnlyMemory<byte>)? publicKeyHash = null;
        ReadOnlyMemory<byte>? nonce = null;
        for (int i = 0; i < count; i++)
        {
            string key = reader.ReadTextString();
            switch (key)
            {
                case RaTlsOids.PublicKeyHashClaim:
                    publicKeyHash = ReadHashEntry(ReadDefiniteByteString(reader, key));
                    break;
                case RaTlsOids.NonceClaim:
                    nonce = ReadDefiniteByteString(reader, key);
                    break;
                default:
                    // Unknown claims (for example rats-tls's custom ones) are ignored, as the specification says.
                    reader.SkipValue();
                    break;
            }
        }

        reader.ReadEndMap();
        if (reader.BytesRemaining != 0)
        {
            throw Invalid("The DICE claims have bytes after the map.");
        }

        return (publicKeyHash, nonce);
    }

    private static (int, ReadOnlyMemory<byte>) ReadHashEntry(byte[] entry)
    {
        var reader = new CborReader(entry, CborConformanceMode.Strict);
        if (reader.ReadStartArray() != 2)
        {
            throw Invalid("The pubkey-hash claim must hold a definite array [algorithm, hash].");
        }

        if (reader.PeekState() != CborReaderState.UnsignedInteger)
        {
            // ReadUInt64 would throw OverflowException on a negative integer (found by fuzzing).
            throw Invalid("The pubkey-hash algorithm must be an unsigned integer (an IANA hash algorithm identifier).");
        }

        ulong algorithm = reader.ReadUInt64();
        byte[] hash = ReadDefiniteByteString(reader, "pubkey-hash value");
        reader.ReadEndArray();
        if (reader.BytesRemaining != 0)
        {
            throw Invalid("The pubkey-hash claim has bytes after its array.");
        }

        return (algorithm > int.MaxValue ? int.MaxValue : (int)algorithm, hash);
    }

    private static byte[] ReadDefiniteByteString(CborReader reader, string what)
    {
        if (reader.PeekState() != CborReaderState.ByteString)
        {
            throw Invalid($"The DICE {what} must be a definite-length byte string.");
        }

        return reader.ReadByteString();
    }

    private static AttestationFormatException Invalid(string message, Exception? inner = null) =>
        new(AttestationFormatErrorReason.InvalidCbor, message, innerException: inner);
}
