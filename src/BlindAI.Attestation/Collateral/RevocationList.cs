using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// A certificate revocation list (the Intel SGX Root CA CRL or a PCK CA CRL), decoded from DER, PEM or hex text with
/// <see cref="AsnReader"/> (BouncyCastle's CRL parser cost several ECDSA verifications per CRL here). Parsing does not verify it: <see cref="CollateralVerifier"/> checks issuer, signature and validity window.
/// </summary>
internal sealed class RevocationList
{
    private const int MaxSize = 4 * 1024 * 1024;

    private readonly HashSet<string> revoked;

    private RevocationList(byte[] der, ReadOnlyMemory<byte> tbs, byte[] signature, string signatureAlgorithm, X500DistinguishedName issuer, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, ImmutableArray<string> serials)
    {
        Der = der;
        Tbs = tbs;
        Signature = signature;
        SignatureAlgorithm = signatureAlgorithm;
        Issuer = issuer;
        ThisUpdate = thisUpdate;
        NextUpdate = nextUpdate;
        RevokedSerialNumbers = serials;
        revoked = new HashSet<string>(serials, StringComparer.Ordinal);
    }

    /// <summary>The DER encoding, as received.</summary>
    public ReadOnlyMemory<byte> Der { get; }

    /// <summary>The CA that issued (and must have signed) the list.</summary>
    public X500DistinguishedName Issuer { get; }

    /// <summary>When the list was issued.</summary>
    public DateTimeOffset ThisUpdate { get; }

    /// <summary>When the next list will be issued; this one must not be used after it.</summary>
    public DateTimeOffset NextUpdate { get; }

    /// <summary>The revoked serial numbers, as lower-case hex without leading zero bytes.</summary>
    public ImmutableArray<string> RevokedSerialNumbers { get; }

    internal ReadOnlyMemory<byte> Tbs { get; }

    /// <summary>The signature as DER ECDSA-Sig-Value.</summary>
    internal byte[] Signature { get; }

    internal string SignatureAlgorithm { get; }

    /// <summary>
    /// Reads a CRL from DER, PEM (<c>-----BEGIN X509 CRL-----</c>) or hexadecimal text of the DER (dcap-qvl bundles
    /// and some PCCS versions send hex).
    /// </summary>
    /// <param name="data">The CRL bytes or text.</param>
    /// <returns>The list.</returns>
    /// <exception cref="AttestationFormatException">The data is not a CRL in any of those encodings (<see cref="AttestationFormatErrorReason.InvalidCrl"/>).</exception>
    public static RevocationList Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxSize)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidLength, $"A CRL of {data.Length} bytes is larger than {MaxSize}.");
        }

        return FromDer(ToDer(data));
    }

    /// <summary>Reads a CRL, without throwing.</summary>
    /// <param name="data">The CRL bytes or text.</param>
    /// <param name="crl">The list, when the data is well formed.</param>
    /// <param name="error">The reason it is not, otherwise.</param>
    /// <returns><see langword="true"/> when the data is a CRL.</returns>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out RevocationList? crl, [NotNullWhen(false)] out AttestationFormatException? error)
    {
        try
        {
            crl = Parse(data);
            error = null;
            return true;
        }
        catch (AttestationFormatException e)
        {
            crl = null;
            error = e;
            return false;
        }
    }

    /// <summary>Whether the list revokes the certificate with this serial number.</summary>
    /// <param name="certificate">The certificate to look up.</param>
    /// <returns><see langword="true"/> when its serial number is listed.</returns>
    public bool IsRevoked(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return revoked.Contains(ParsedCertificate.CanonicalSerial(certificate.SerialNumberBytes.Span));
    }

    internal bool IsRevoked(ParsedCertificate certificate) => revoked.Contains(certificate.SerialHex);

    private static byte[] ToDer(ReadOnlySpan<byte> data)
    {
        var trimmed = TrimAscii(data);
        if (trimmed.IsEmpty)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidCrl, "The CRL is empty.");
        }

        if (trimmed[0] == 0x30)
        {
            return data.ToArray();
        }

        if (trimmed.StartsWith("-----BEGIN"u8))
        {
            var text = CollateralText.DecodeUtf8(trimmed, "A PEM CRL");
            if (!PemEncoding.TryFind(text, out var fields) || text.AsSpan()[fields.Label] is not "X509 CRL")
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.InvalidPem, "A PEM CRL must be one '-----BEGIN X509 CRL-----' block.");
            }

            return Convert.FromBase64String(text[fields.Base64Data]);
        }

        if (trimmed.StartsWith("0x"u8))
        {
            trimmed = trimmed[2..];
        }

        return HexText.TryDecode(trimmed, out var bytes)
            ? bytes
            : throw new AttestationFormatException(AttestationFormatErrorReason.InvalidCrl, "The CRL is neither DER, PEM nor hexadecimal text.");
    }

    private static ReadOnlySpan<byte> TrimAscii(ReadOnlySpan<byte> data)
    {
        // Only trim text: a DER CRL starts with 0x30 and is never trimmed.
        if (!data.IsEmpty && data[0] == 0x30)
        {
            return data;
        }

        return data.Trim(" \t\r\n\0"u8);
    }

    private static RevocationList FromDer(byte[] der)
    {
        try
        {
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            var list = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var tbs = list.ReadEncodedValue();
            var outerAlgorithm = list.ReadEncodedValue();
            var algorithm = new AsnReader(outerAlgorithm, AsnEncodingRules.DER).ReadSequence().ReadObjectIdentifier();
            var signature = list.ReadBitString(out var unusedBits);
            list.ThrowIfNotEmpty();
            if (unusedBits != 0)
            {
                throw new AsnContentException("The signature bit string has unused bits.");
            }

            // TBSCertList (RFC 5280 5.1): version?, signature, issuer, thisUpdate, nextUpdate?, revokedCertificates?, [0] extensions?
            var fields = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
            if (fields.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            {
                fields.ReadInteger();
            }

            if (!fields.ReadEncodedValue().Span.SequenceEqual(outerAlgorithm.Span))
            {
                throw new AsnContentException("The inner and outer signature algorithms differ.");
            }

            if (!fields.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                throw new AsnContentException("The issuer name is not a SEQUENCE.");
            }

            var issuer = new X500DistinguishedName(fields.ReadEncodedValue().Span);
            var thisUpdate = ParsedCertificate.ReadTime(fields);
            if (!fields.HasData || !(fields.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) || fields.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime)))
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.InvalidCrl, "The CRL has no nextUpdate: its freshness cannot be checked.");
            }

            var nextUpdate = ParsedCertificate.ReadTime(fields);
            var serials = ImmutableArray.CreateBuilder<string>();
            if (fields.HasData && fields.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var entries = fields.ReadSequence();
                while (entries.HasData)
                {
                    var entry = entries.ReadSequence();
                    serials.Add(ParsedCertificate.CanonicalSerial(entry.ReadIntegerBytes().Span));
                    ParsedCertificate.ReadTime(entry);
                    if (entry.HasData)
                    {
                        entry.ReadSequence(); // entry extensions (reason code, ...): the serial alone decides
                    }

                    entry.ThrowIfNotEmpty();
                }
            }

            // CRL extensions (number, authority key id, ...) are not interpreted: the issuer name and signature decide.
            var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
            if (fields.HasData && fields.PeekTag().HasSameClassAndValue(extensionsTag))
            {
                fields.ReadEncodedValue();
            }

            fields.ThrowIfNotEmpty();
            return new RevocationList(der, tbs, signature, algorithm, issuer, thisUpdate, nextUpdate, serials.ToImmutable());
        }
        catch (AsnContentException e)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidCrl, $"The CRL is not DER: {e.Message}", innerException: e);
        }
        catch (CryptographicException e)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidCrl, $"The CRL cannot be decoded: {e.Message}", innerException: e);
        }
    }
}
