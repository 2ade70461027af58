using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BlindAI.Enclave.Simulation;

public sealed partial class SimulatedTeePlatform
{
    private const string RootCrlUri = "https://simulation.blindai.invalid/sgx/certification/v4/rootcacrl";
    private const string PckCrlUri = "https://simulation.blindai.invalid/sgx/certification/v4/pckcrl?ca=platform&encoding=der";

    private static (X509Certificate2 Root, X509Certificate2 PckCa, X509Certificate2 TcbSigning, X509Certificate2 Pck) IssueCertificates(
        SimulatedPlatformOptions options, DateTimeOffset now, ECDsa rootKey, ECDsa pckCaKey, ECDsa tcbSigningKey, ECDsa pckKey)
    {
        DateTimeOffset notBefore = options.Pki.CaNotBefore ?? now.AddDays(-1);
        DateTimeOffset notAfter = options.Pki.CaNotAfter ?? now.AddYears(10);
        X509Certificate2 root = Issue(RootSubject, rootKey, issuer: null, rootKey, notBefore, notAfter, CertificateRole.Root, RootCrlUri, extra: null);
        X509Certificate2 pckCa = Issue(PckPlatformCaSubject, pckCaKey, root, rootKey, notBefore, notAfter, CertificateRole.IntermediateCa, RootCrlUri, extra: null);
        // Like Intel's: issued directly by the root, an end entity with digitalSignature, under the subject the verifier
        // expects of the TCB signer for a non-Intel anchor. Verifiers accept TCB Info and QE Identity from it alone.
        X509Certificate2 tcbSigning = Issue(TcbSigningSubject, tcbSigningKey, root, rootKey, notBefore, notAfter, CertificateRole.Leaf, RootCrlUri, extra: null);
        X509Certificate2 pck = IssuePck(options, now, pckCa, pckCaKey, pckKey);
        return (root, pckCa, tcbSigning, pck);
    }

    private static X509Certificate2 IssuePck(SimulatedPlatformOptions options, DateTimeOffset now, X509Certificate2 pckCa, ECDsa pckCaKey, ECDsa pckKey)
    {
        DateTimeOffset notBefore = options.Pki.PckNotBefore ?? options.Pki.CaNotBefore ?? now.AddDays(-1);
        DateTimeOffset notAfter = options.Pki.PckNotAfter ?? now.AddYears(7);

        // PPID and platform instance id are per-platform secrets on real hardware; derived from the PCK key here so a
        // reloaded platform re-issues the same values.
        byte[] seed = SHA256.HashData(pckKey.ExportSubjectPublicKeyInfo());
        byte[] sgxExtension = PckExtensionEncoder.Encode(options.Platform, seed.AsSpan(0, 16), seed.AsSpan(16, 16));
        return Issue(PckSubject, pckKey, pckCa, pckCaKey, notBefore, notAfter, CertificateRole.Leaf, PckCrlUri, new X509Extension(PckExtensionEncoder.SgxExtensionsOid, sgxExtension, critical: false));
    }

    private enum CertificateRole
    {
        Root,
        IntermediateCa,
        Leaf,
    }

    private static X509Certificate2 Issue(
        string subject,
        ECDsa subjectKey,
        X509Certificate2? issuer,
        ECDsa issuerKey,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter,
        CertificateRole role,
        string crlUri,
        X509Extension? extra)
    {
        var request = new CertificateRequest(subject, subjectKey, HashAlgorithmName.SHA256);
        var subjectKeyId = new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false);
        request.CertificateExtensions.Add(issuer is null
            ? X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(subjectKeyId)
            : X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([crlUri]));
        request.CertificateExtensions.Add(subjectKeyId);
        switch (role)
        {
            case CertificateRole.Root:
                request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, critical: true));
                break;
            case CertificateRole.IntermediateCa:
                request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, critical: true));
                break;
            default:
                request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, critical: true));
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
                break;
        }

        if (extra is not null)
        {
            request.CertificateExtensions.Add(extra);
        }

        byte[] serial = RandomNumberGenerator.GetBytes(20);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        X500DistinguishedName issuerName = issuer?.SubjectName ?? request.SubjectName;
        return request.Create(issuerName, X509SignatureGenerator.CreateForECDsa(issuerKey), notBefore, notAfter, serial);
    }

    /// <summary>The PCK certificate chain as certification data type 5 carries it: leaf, platform CA, root (PEM), NUL-terminated like Intel's.</summary>
    /// <returns>The PEM text.</returns>
    public string PckCertificateChainPem() =>
        PemChain(PckCertificate, PckPlatformCaCertificate, RootCertificate) + "\0";

    private static string PemChain(params X509Certificate2[] certificates) =>
        string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n"));
}
