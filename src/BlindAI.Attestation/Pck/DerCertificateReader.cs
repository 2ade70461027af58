using System.Formats.Asn1;

namespace BlindAI.Attestation.Pck;

/// <summary>
/// Reads the PCK leaf's issuer and one extension straight from its DER, without building an
/// <see cref="System.Security.Cryptography.X509Certificates.X509Certificate2"/>: on the warm verification path a
/// platform certificate decode would cost more than the two ECDSA verifications the quote itself needs.
/// </summary>
internal static class DerCertificateReader
{
    private static readonly Asn1Tag ExplicitVersion = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag ExplicitExtensions = new(TagClass.ContextSpecific, 3, isConstructed: true);

    /// <summary>The DER of the certificate's issuer name.</summary>
    /// <exception cref="AttestationFormatException">The certificate is not DER.</exception>
    public static ReadOnlyMemory<byte> ReadIssuerName(ReadOnlyMemory<byte> certificateDer, string what) =>
        Read(certificateDer, what, tbs =>
        {
            SkipToIssuer(tbs);
            return tbs.ReadEncodedValue();
        });

    /// <summary>The value (the OCTET STRING contents) of the extension <paramref name="oid"/>, or <see langword="null"/> when absent.</summary>
    /// <exception cref="AttestationFormatException">The certificate is not DER, or the extension appears twice.</exception>
    public static ReadOnlyMemory<byte>? FindExtensionValue(ReadOnlyMemory<byte> certificateDer, string oid, string what) =>
        Read(certificateDer, what, tbs =>
        {
            SkipToIssuer(tbs);
            tbs.ReadEncodedValue(); // issuer
            tbs.ReadSequence(); // validity
            tbs.ReadEncodedValue(); // subject
            tbs.ReadSequence(); // subjectPublicKeyInfo
            ReadOnlyMemory<byte>? found = null;
            while (tbs.HasData)
            {
                if (!tbs.PeekTag().HasSameClassAndValue(ExplicitExtensions))
                {
                    tbs.ReadEncodedValue(); // issuerUniqueID / subjectUniqueID
                    continue;
                }

                AsnReader extensions = tbs.ReadSequence(ExplicitExtensions).ReadSequence();
                while (extensions.HasData)
                {
                    AsnReader extension = extensions.ReadSequence();
                    string id = extension.ReadObjectIdentifier();
                    if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
                    {
                        extension.ReadBoolean(); // critical
                    }

                    ReadOnlyMemory<byte> value = extension.ReadOctetString();
                    if (string.Equals(id, oid, StringComparison.Ordinal))
                    {
                        found = found is null
                            ? value
                            : throw new AttestationFormatException(AttestationFormatError.InvalidExtension, $"The {what} carries the extension {oid} twice.");
                    }
                }
            }

            return found;
        });

    private static void SkipToIssuer(AsnReader tbs)
    {
        if (tbs.PeekTag().HasSameClassAndValue(ExplicitVersion))
        {
            tbs.ReadSequence(ExplicitVersion);
        }

        tbs.ReadEncodedValue(); // serialNumber
        tbs.ReadSequence(); // signature algorithm
    }

    private static T Read<T>(ReadOnlyMemory<byte> certificateDer, string what, Func<AsnReader, T> read)
    {
        try
        {
            AsnReader tbs = new AsnReader(certificateDer, AsnEncodingRules.DER).ReadSequence().ReadSequence();
            return read(tbs);
        }
        catch (AsnContentException ex)
        {
            throw new AttestationFormatException(AttestationFormatError.InvalidCertificate, $"The {what} is not a DER X.509 certificate: {ex.Message}", innerException: ex);
        }
    }
}
