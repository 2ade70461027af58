using System.Formats.Asn1;
using BlindAI.Attestation;

namespace BlindAI.Client.Attestation;

/// <summary>
/// Reads a certificate's validity window from its DER, in UTC as encoded. <see cref="System.Security.Cryptography.X509Certificates.X509Certificate2.NotBefore"/>
/// converts to local time, which is ambiguous for an hour a year where daylight saving time ends.
/// </summary>
internal static class CertificateValidity
{
    public static (DateTimeOffset NotBefore, DateTimeOffset NotAfter) Read(byte[] certificate)
    {
        try
        {
            AsnReader tbs = new AsnReader(certificate, AsnEncodingRules.DER).ReadSequence().ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                tbs.ReadEncodedValue(); // version
            }

            tbs.ReadEncodedValue(); // serialNumber
            tbs.ReadEncodedValue(); // signature
            tbs.ReadEncodedValue(); // issuer
            AsnReader validity = tbs.ReadSequence();
            DateTimeOffset notBefore = ReadTime(validity);
            DateTimeOffset notAfter = ReadTime(validity);
            validity.ThrowIfNotEmpty();
            return (notBefore, notAfter);
        }
        catch (AsnContentException e)
        {
            throw new AttestationException(
                AttestationFailureReason.MalformedInput,
                VerificationStep.Parse,
                "The server's certificate validity cannot be read.",
                innerException: new AttestationFormatException(AttestationFormatErrorReason.InvalidCertificate, "The certificate's Validity is not DER UTCTime or GeneralizedTime.", innerException: e));
        }
    }

    // RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();
}
