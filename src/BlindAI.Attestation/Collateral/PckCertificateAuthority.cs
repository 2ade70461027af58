using BlindAI.Attestation.Pck;
using System.Security.Cryptography.X509Certificates;

namespace BlindAI.Attestation.Collateral;

/// <summary>Tells which Intel PCK CA issued a PCK certificate, to request the matching PCK CRL.</summary>
internal static class PckCertificateAuthority
{
    /// <summary>The common name of the Intel SGX PCK Platform CA.</summary>
    public const string PlatformCaCommonName = "Intel SGX PCK Platform CA";

    /// <summary>The common name of the Intel SGX PCK Processor CA.</summary>
    public const string ProcessorCaCommonName = "Intel SGX PCK Processor CA";

    /// <summary>The CA type named by a certificate's issuer (for a PCK certificate) or subject (for a PCK CA certificate).</summary>
    /// <param name="name">The issuer name of a PCK certificate, or the subject of a PCK CA certificate.</param>
    /// <param name="caType">The CA type, when the name's common name is one of Intel's PCK CAs.</param>
    /// <returns><see langword="true"/> when the name is an Intel PCK CA.</returns>
    public static bool TryGetCaType(X500DistinguishedName name, out PckCaType caType)
    {
        ArgumentNullException.ThrowIfNull(name);
        switch (CommonName(name))
        {
            case PlatformCaCommonName:
                caType = PckCaType.Platform;
                return true;
            case ProcessorCaCommonName:
                caType = PckCaType.Processor;
                return true;
            default:
                caType = default;
                return false;
        }
    }

    private static string? CommonName(X500DistinguishedName name)
    {
        try
        {
            foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
            {
                if (!rdn.HasMultipleElements && rdn.GetSingleElementType().Value == "2.5.4.3")
                {
                    return rdn.GetSingleElementValue();
                }
            }
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // A malformed name (for example from an unverified CRL) names no Intel CA.
        }

        return null;
    }

    /// <summary>The CA type of the CA that issued a PCK certificate.</summary>
    /// <param name="pckCertificate">The PCK leaf certificate.</param>
    /// <returns>The CA type.</returns>
    /// <exception cref="AttestationFormatException">The issuer is not an Intel PCK CA (<see cref="AttestationFormatError.InvalidCertificate"/>).</exception>
    public static PckCaType GetCaType(X509Certificate2 pckCertificate)
    {
        ArgumentNullException.ThrowIfNull(pckCertificate);
        return TryGetCaType(pckCertificate.IssuerName, out var caType)
            ? caType
            : throw new AttestationFormatException(AttestationFormatError.InvalidCertificate, $"The PCK certificate's issuer '{pckCertificate.Issuer}' is not an Intel PCK Platform or Processor CA.");
    }
}
