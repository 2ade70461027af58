using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// The root every DCAP certificate chain must lead to. By default and in production this is the Intel SGX Root CA,
/// compiled into the library and checked against its published SHA-256 when loaded. A root that arrives with a quote
/// or in collateral headers is never trusted: it is only compared with the anchor.
/// </summary>
/// <remarks>
/// As in RFC 5280 6.1.1(d), the anchor is a subject and a public key, not a byte string: Intel has issued its root
/// certificate more than once with the same subject and key (collateral from 2018–2020 is reported to carry one that
/// expires in 2033), so a self-signed root sent along with a chain stands for the anchor when it has the anchor's
/// subject and key and its self-signature verifies; the anchor's own validity applies, never the presented copy's. The anchor also names the one certificate that may sign
/// TCB Info and QE Identity: Intel's TCB signing certificate, or the simulated platform's counterpart for
/// <see cref="InsecureNonIntelRoot"/>.
/// </remarks>
public sealed class TrustAnchor
{
    /// <summary>
    /// The subject the certificate signing TCB Info and QE Identity must carry under an anchor made by
    /// <see cref="InsecureNonIntelRoot"/>: the simulated platform's counterpart of Intel's TCB signing certificate. Its
    /// common name is Intel's (as in every simulated certificate below the root); its organisation says it is not Intel.
    /// </summary>
    public const string NonIntelTcbSigningSubject = "CN=Intel SGX TCB Signing, O=BlindAI for .NET simulation - NOT Intel, C=US";

    /// <summary>
    /// The subject of Intel's TCB signing certificate, the only certificate Intel's PKI lets sign TCB Info and QE Identity.
    /// The whole name is compared, as Intel QVL's TCBInfoVerifier does with its <c>TCB_SUBJECT</c> (its later
    /// TCBSigningChain only looks for "SGX TCB Signing" in the common name; the stricter rule is kept). The real
    /// certificates in testdata/dcap (automata-dcap-rs/signing_cert.pem, the phala bundles) carry exactly these attributes.
    /// </summary>
    internal const string IntelTcbSigningSubject = "CN=Intel SGX TCB Signing, O=Intel Corporation, L=Santa Clara, ST=CA, C=US";

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

    private readonly NameAttribute[] tcbSigningAttributes;

    private TrustAnchor(ParsedCertificate root, bool isIntel)
    {
        Root = root;
        IsIntelSgxRootCa = isIntel;
        Sha256Hex = Convert.ToHexStringLower(SHA256.HashData(root.Der));
        KeySha256Hex = Convert.ToHexStringLower(SHA256.HashData(root.SubjectPublicKeyInfo.Span));
        TcbSigningSubject = isIntel ? IntelTcbSigningSubject : NonIntelTcbSigningSubject;
        tcbSigningAttributes = ReadAttributes(new X500DistinguishedName(TcbSigningSubject).RawData)
            ?? throw new InvalidOperationException($"The TCB signing subject '{TcbSigningSubject}' is not a name of single-valued text attributes.");
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

    /// <summary>SHA-256 of the anchor's DER SubjectPublicKeyInfo, lower-case hex (for messages).</summary>
    internal string KeySha256Hex { get; }

    /// <summary>The subject of the only certificate that may sign TCB Info and QE Identity under this anchor.</summary>
    internal string TcbSigningSubject { get; }

    /// <summary>The anchor as messages name it: its identity is its subject and key.</summary>
    internal string Identity => Describe(Root.Subject, KeySha256Hex);

    /// <summary>
    /// Whether <paramref name="certificate"/> has the anchor's subject (the same DER name: certificates below name their
    /// issuer with these bytes) and the anchor's SubjectPublicKeyInfo. Says nothing about its signature or validity.
    /// </summary>
    internal bool HasAnchorSubjectAndKey(ParsedCertificate certificate) =>
        certificate.SubjectName.SequenceEqual(Root.SubjectName)
        && certificate.SubjectPublicKeyInfo.Span.SequenceEqual(Root.SubjectPublicKeyInfo.Span);

    /// <summary>
    /// Whether a certificate's subject is this anchor's TCB signing subject: the same attributes with the same values,
    /// whatever string type encodes them and in whichever order (Intel QVL compares the decoded attributes one by one
    /// too; .NET's text form of a name lists them in the reverse of their DER order, which must not matter here).
    /// </summary>
    internal bool IsTcbSigningSubject(ReadOnlySpan<byte> subject) =>
        ReadAttributes(subject) is { } attributes && attributes.AsSpan().SequenceEqual(tcbSigningAttributes);

    /// <summary>A certificate as messages name it next to the anchor: subject and key hash.</summary>
    internal static string Describe(ParsedCertificate certificate) =>
        Describe(certificate.Subject, Convert.ToHexStringLower(SHA256.HashData(certificate.SubjectPublicKeyInfo.Span)));

    /// <summary>
    /// INSECURE for real attestation: trusts a root that is not Intel's, for example the throwaway PKI of a simulated
    /// platform. Evidence verified against it proves nothing about Intel hardware; use it only for simulation and tests.
    /// Under it, TCB Info and QE Identity are accepted only from a certificate the root issued directly with the subject
    /// <see cref="NonIntelTcbSigningSubject"/> (the simulated platform's TCB signing certificate).
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

    private static string Describe(string subject, string keySha256Hex) => $"{subject} (key sha256={keySha256Hex})";

    /// <summary>The attributes of a name in a canonical order, or <see langword="null"/> when it has a multi-valued or non-text attribute or cannot be decoded.</summary>
    private static NameAttribute[]? ReadAttributes(ReadOnlySpan<byte> name)
    {
        try
        {
            var attributes = new List<NameAttribute>();
            foreach (var rdn in new X500DistinguishedName(name).EnumerateRelativeDistinguishedNames())
            {
                if (rdn.HasMultipleElements || rdn.GetSingleElementValue() is not { } value)
                {
                    return null;
                }

                attributes.Add(new NameAttribute(rdn.GetSingleElementType().Value ?? string.Empty, value));
            }

            attributes.Sort();
            return [.. attributes];
        }
        catch (CryptographicException)
        {
            // A name that cannot be decoded matches nothing.
            return null;
        }
    }

    private static void EnsureSelfSignedCa(ParsedCertificate root)
    {
        if (!root.SubjectName.SequenceEqual(root.IssuerName) || !root.IsCertificateAuthority || !root.IsSignedBy(root))
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidCertificate, $"A trust anchor must be a self-signed P-256 CA certificate; '{root.Subject}' is not.");
        }
    }

    private readonly record struct NameAttribute(string Oid, string Value) : IComparable<NameAttribute>
    {
        public int CompareTo(NameAttribute other)
        {
            var byOid = string.CompareOrdinal(Oid, other.Oid);
            return byOid != 0 ? byOid : string.CompareOrdinal(Value, other.Value);
        }
    }
}
