using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation.Collateral;

namespace BlindAI.Attestation.Pck;

/// <summary>
/// The one rule telling which Intel PCK CA a name designates (the issuer of a PCK certificate, or the subject of a PCK CA
/// certificate), which selects the PCK CRL. Strict: the name must have exactly one common name, and it must be one of
/// Intel's two PCK CAs; anything else (no common name, two of them, another CA, an undecodable name) designates none.
/// </summary>
internal static class PckCertificateAuthority
{
    public const string PlatformCaCommonName = "Intel SGX PCK Platform CA";

    public const string ProcessorCaCommonName = "Intel SGX PCK Processor CA";

    private const string CommonNameOid = "2.5.4.3";

    /// <summary>The CA type a name designates.</summary>
    /// <returns><see langword="true"/> when the name's one common name is an Intel PCK CA's.</returns>
    public static bool TryGetCaType(X500DistinguishedName name, out PckCaType caType)
    {
        ArgumentNullException.ThrowIfNull(name);
        caType = CommonName(name) switch
        {
            PlatformCaCommonName => PckCaType.Platform,
            ProcessorCaCommonName => PckCaType.Processor,
            _ => default,
        };
        return caType != default;
    }

    /// <summary>The CA type of the CA that issued a PCK certificate, from the certificate's issuer name (DER).</summary>
    /// <exception cref="AttestationFormatException">The issuer is not an Intel PCK Platform or Processor CA (<see cref="AttestationFormatErrorReason.InvalidCertificate"/>).</exception>
    public static PckCaType GetIssuerCaType(ReadOnlySpan<byte> issuerName)
    {
        X500DistinguishedName name;
        try
        {
            name = new X500DistinguishedName(issuerName);
        }
        catch (CryptographicException ex)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidCertificate, "The PCK certificate's issuer name cannot be decoded.", innerException: ex);
        }

        return TryGetCaType(name, out PckCaType caType)
            ? caType
            : throw new AttestationFormatException(
                AttestationFormatErrorReason.InvalidCertificate,
                $"The PCK certificate's issuer '{ParsedCertificate.NameText(issuerName)}' is neither the Intel SGX PCK Platform CA nor the Processor CA (exactly one common name).");
    }

    private static string? CommonName(X500DistinguishedName name)
    {
        try
        {
            string? commonName = null;
            foreach (X500RelativeDistinguishedName rdn in name.EnumerateRelativeDistinguishedNames())
            {
                if (!rdn.HasMultipleElements && rdn.GetSingleElementType().Value == CommonNameOid)
                {
                    if (commonName is not null)
                    {
                        // Two common names: which one a reader believes would decide the CRL; the name designates no CA.
                        return null;
                    }

                    commonName = rdn.GetSingleElementValue();
                }
            }

            return commonName;
        }
        catch (CryptographicException)
        {
            // A malformed name (for example from an unverified CRL) designates no Intel CA.
            return null;
        }
    }
}
