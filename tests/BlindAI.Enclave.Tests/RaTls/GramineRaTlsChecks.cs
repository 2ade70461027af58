using System.Buffers.Binary;
using System.Formats.Cbor;
using System.Security.Cryptography;

namespace BlindAI.Enclave.Tests.RaTls;

/// <summary>
/// A model of the byte-level checks Gramine's RA-TLS verifier applies to a certificate (reference/ratls.md §1):
/// memmem for the OID TLV, optional <c>01 01 00</c> (critical=TRUE rejected), then <c>04 82 HH LL</c> with a length of
/// 128..8192, then the strict CBOR shape and the report-data binding.
/// </summary>
internal static class GramineRaTlsChecks
{
    public static readonly byte[] DiceOidTlv = [0x06, 0x06, 0x67, 0x81, 0x05, 0x05, 0x04, 0x09];
    public static readonly byte[] LegacyOidTlv = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF8, 0x4D, 0x8A, 0x39, 0x06];
    public const int ReportDataOffset = 48 + 320;
    public const int SgxQuoteTypeSize = 436;

    /// <summary>Finds the evidence the way Gramine does, or returns null with a reason.</summary>
    public static byte[]? FindEvidence(byte[] certificateDer, byte[] oidTlv, out string? failure)
    {
        failure = null;
        int at = certificateDer.AsSpan().IndexOf(oidTlv);
        if (at < 0)
        {
            failure = "OID not found";
            return null;
        }

        int p = at + oidTlv.Length;
        if (certificateDer[p] == 0x01)
        {
            if (certificateDer[p + 1] != 0x01 || certificateDer[p + 2] != 0x00)
            {
                failure = "critical extension";
                return null;
            }

            p += 3;
        }

        if (certificateDer[p] != 0x04 || certificateDer[p + 1] != 0x82)
        {
            failure = "not an OCTET STRING with a two-byte long-form length";
            return null;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(certificateDer.AsSpan(p + 2));
        if (length < 128 || length > 8192)
        {
            failure = $"length {length} outside 128..8192";
            return null;
        }

        return certificateDer.AsSpan(p + 4, length).ToArray();
    }

    /// <summary>Gramine's CBOR checks on DICE evidence; returns the quote when the claims bind <paramref name="spki"/>.</summary>
    public static byte[] CheckDiceEvidence(byte[] evidence, byte[] spki)
    {
        var reader = new CborReader(evidence, CborConformanceMode.Strict);
        Assert.Equal((CborTag)60000, reader.ReadTag());
        Assert.Equal(2, reader.ReadStartArray());
        byte[] quote = reader.ReadByteString();
        byte[] claims = reader.ReadByteString();
        reader.ReadEndArray();
        Assert.Equal(0, reader.BytesRemaining);
        Assert.True(quote.Length >= SgxQuoteTypeSize);
        Assert.NotEmpty(claims);
        Assert.Equal(SHA256.HashData(claims), quote.AsSpan(ReportDataOffset, 32).ToArray());
        Assert.Equal(new byte[32], quote.AsSpan(ReportDataOffset + 32, 32).ToArray());

        var claimsReader = new CborReader(claims, CborConformanceMode.Strict);
        int? entries = claimsReader.ReadStartMap();
        Assert.True(entries >= 1);
        byte[]? hashEntry = null;
        for (int i = 0; i < entries; i++)
        {
            string key = claimsReader.ReadTextString();
            if (key == "pubkey-hash")
            {
                hashEntry = claimsReader.ReadByteString();
            }
            else
            {
                claimsReader.SkipValue();
            }
        }

        Assert.NotNull(hashEntry);
        var entryReader = new CborReader(hashEntry, CborConformanceMode.Strict);
        Assert.Equal(2, entryReader.ReadStartArray());
        Assert.Equal(1UL, entryReader.ReadUInt64());
        Assert.Equal(SHA256.HashData(spki), entryReader.ReadByteString());
        entryReader.ReadEndArray();
        return quote;
    }
}
