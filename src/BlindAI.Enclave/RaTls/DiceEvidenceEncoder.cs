using BlindAI.Attestation.RaTls;
using System.Formats.Cbor;

namespace BlindAI.Enclave.RaTls;

/// <summary>Writes the CBOR of Interoperable RA-TLS evidence: claims and the tag-60000 wrapper.</summary>
internal static class DiceEvidenceEncoder
{
    /// <summary>IANA Named Information hash algorithm id for SHA-256.</summary>
    public const int Sha256HashAlgorithmId = 1;

    public const string PublicKeyHashClaim = RaTlsOids.PublicKeyHashClaim;

    /// <summary>Claims = canonical map { "pubkey-hash": bstr( [1, bstr SHA-256(SPKI)] ) }.</summary>
    public static byte[] EncodeClaims(ReadOnlySpan<byte> publicKeySha256)
    {
        var hashEntry = new CborWriter(CborConformanceMode.Canonical);
        hashEntry.WriteStartArray(2);
        hashEntry.WriteInt32(Sha256HashAlgorithmId);
        hashEntry.WriteByteString(publicKeySha256);
        hashEntry.WriteEndArray();

        var claims = new CborWriter(CborConformanceMode.Canonical);
        claims.WriteStartMap(1);
        claims.WriteTextString(PublicKeyHashClaim);
        claims.WriteByteString(hashEntry.Encode());
        claims.WriteEndMap();
        return claims.Encode();
    }

    /// <summary>Evidence = tag 60000 ( [ bstr quote, bstr claims ] ), definite lengths only.</summary>
    public static byte[] EncodeEvidence(ReadOnlySpan<byte> quote, ReadOnlySpan<byte> claims)
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteTag((CborTag)RaTlsOids.IntelTeeQuoteCborTag);
        writer.WriteStartArray(2);
        writer.WriteByteString(quote);
        writer.WriteByteString(claims);
        writer.WriteEndArray();
        return writer.Encode();
    }
}
