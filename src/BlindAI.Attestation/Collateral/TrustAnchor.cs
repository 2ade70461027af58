using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// The root every DCAP certificate chain must lead to. By default and in production this is the Intel SGX Root CA,
/// compiled into the library and checked against its published SHA-256 when loaded. A root that arrives with a quote
/// or in collateral headers is never trusted: it is only compared with the anchor.
/// </summary>
public sealed class TrustAnchor
{
    /// <summary>SHA-256 of the DER Intel SGX Root CA certificate, as Intel publishes it.</summary>
    public const string IntelSgxRootCaSha256 = "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3";

    // The Intel SGX Root CA (CN=Intel SGX Root CA, O=Intel Corporation, L=Santa Clara, ST=CA, C=US; P-256;
    // valid 2018-05-21 to 2049-12-31), DER in base64, as served at
    // https://certificates.trustedservices.intel.com/Intel_SGX_Provisioning_Certification_RootCA.cer.
    private const string IntelSgxRootCaDerBase64 =
        "MIICjzCCAjSgAwIBAgIUImUM1lqdNInzg7SVUr9QGzknBqwwCgYIKoZIzj0EAwIwaDEaMBgGA1UEAwwRSW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUlu" +
        "dGVsIENvcnBvcmF0aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJBgNVBAYTAlVTMB4XDTE4MDUyMTEwNDUxMFoXDTQ5MTIzMTIz" +
        "NTk1OVowaDEaMBgGA1UEAwwRSW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUludGVsIENvcnBvcmF0aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkG" +
        "A1UECAwCQ0ExCzAJBgNVBAYTAlVTMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEC6nEwMDIYZOj/iPWsCzaEKi71OiOSLRFhWGjbnBVJfVnkY4u3IjkDYYL" +
        "0MxO4mqsyYjlBalTVYxFP2sJBK5zlKOBuzCBuDAfBgNVHSMEGDAWgBQiZQzWWp00ifODtJVSv1AbOScGrDBSBgNVHR8ESzBJMEegRaBDhkFodHRwczovL2Nl" +
        "cnRpZmljYXRlcy50cnVzdGVkc2VydmljZXMuaW50ZWwuY29tL0ludGVsU0dYUm9vdENBLmRlcjAdBgNVHQ4EFgQUImUM1lqdNInzg7SVUr9QGzknBqwwDgYD" +
        "VR0PAQH/BAQDAgEGMBIGA1UdEwEB/wQIMAYBAf8CAQEwCgYIKoZIzj0EAwIDSQAwRgIhAOW/5QkR+S9CiSDcNoowLuPRLsWGf/Yi7GSX94BgwTwgAiEA4J0l" +
        "rHoMs+Xo5o/sX6O9QWxHRAvZUGOdRQ7cvqRXaqI=";

    private static readonly Lazy<TrustAnchor> IntelRoot = new(LoadIntelRoot, LazyThreadSafetyMode.ExecutionAndPublication);

    private TrustAnchor(ParsedCertificate root, bool isIntel)
    {
        Root = root;
        IsIntelSgxRootCa = isIntel;
        Sha256Hex = Convert.ToHexStringLower(SHA256.HashData(root.Der));
    }

    /// <summary>The Intel SGX Root CA: the only anchor for real Intel platforms.</summary>
    public static TrustAnchor IntelSgxRootCa => IntelRoot.Value;

    /// <summary>The root certificate.</summary>
    public X509Certificate2 Certificate => Root.Certificate;

    /// <summary>Whether this is the genuine Intel SGX Root CA (false for a root from <see cref="InsecureNonIntelRoot"/>).</summary>
    public bool IsIntelSgxRootCa { get; }

    /// <summary>SHA-256 of the root's DER, lower-case hex.</summary>
    public string Sha256Hex { get; }

    internal ParsedCertificate Root { get; }

    /// <summary>
    /// INSECURE for real attestation: trusts a root that is not Intel's, for example the throwaway PKI of a simulated
    /// platform. Evidence verified against it proves nothing about Intel hardware; use it only for simulation and tests.
    /// </summary>
    /// <param name="root">A self-signed P-256 CA certificate.</param>
    /// <returns>The anchor.</returns>
    /// <exception cref="AttestationFormatException">The certificate is not a self-signed P-256 CA.</exception>
    public static TrustAnchor InsecureNonIntelRoot(X509Certificate2 root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var parsed = ParsedCertificate.FromDer(root.RawData);
        EnsureSelfSignedCa(parsed);
        return new TrustAnchor(parsed, isIntel: false);
    }

    /// <inheritdoc />
    public override string ToString() => $"{(IsIntelSgxRootCa ? "Intel SGX Root CA" : "NON-INTEL root")} {Certificate.Subject} sha256={Sha256Hex}";

    private static TrustAnchor LoadIntelRoot()
    {
        var der = Convert.FromBase64String(IntelSgxRootCaDerBase64);
        var actual = Convert.ToHexStringLower(SHA256.HashData(der));
        if (actual != IntelSgxRootCaSha256)
        {
            throw new InvalidOperationException($"The embedded Intel SGX Root CA has SHA-256 {actual}, not {IntelSgxRootCaSha256}: the library is corrupt.");
        }

        var root = ParsedCertificate.FromDer(der);
        EnsureSelfSignedCa(root);
        return new TrustAnchor(root, isIntel: true);
    }

    private static void EnsureSelfSignedCa(ParsedCertificate root)
    {
        if (!root.SubjectName.SequenceEqual(root.IssuerName) || !root.IsCertificateAuthority || !root.IsSignedBy(root))
        {
            throw new AttestationFormatException(AttestationFormatError.InvalidCertificate, $"A trust anchor must be a self-signed P-256 CA certificate; '{root.Subject}' is not.");
        }
    }
}
