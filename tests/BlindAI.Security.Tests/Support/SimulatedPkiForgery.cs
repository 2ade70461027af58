using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Verification;
using BlindAI.Enclave.Simulation;
using BlindAI.Testing;
using Microsoft.Extensions.Time.Testing;

namespace BlindAI.Security.Tests.Support;

/// <summary>
/// The private keys of a simulated platform's Intel-shaped PKI (read from its saved folder, as the platform's owner or an
/// insider holding a key could) and the means to mint real certificates and signatures with them: certificates issued by
/// the simulated root or its CAs with chosen subjects and extensions, the root re-issued with its own key, collateral
/// re-signed by any of the keys.
/// </summary>
internal sealed class SimulatedPkiForgery : IDisposable
{
    private readonly string? ownedDirectory;

    private SimulatedPkiForgery(SimulatedTeePlatform platform, string directory, string? ownedDirectory)
    {
        Platform = platform;
        this.ownedDirectory = ownedDirectory;
        RootKey = LoadKey(directory, "root-ca");
        PckCaKey = LoadKey(directory, "pck-platform-ca");
        TcbSigningKey = LoadKey(directory, "tcb-signing");
        PckKey = LoadKey(directory, "pck");
    }

    public SimulatedTeePlatform Platform { get; }

    public ECDsa RootKey { get; }

    public ECDsa PckCaKey { get; }

    public ECDsa TcbSigningKey { get; }

    /// <summary>The PCK leaf's key: what the owner of a platform can extract from it (the case TCB recovery exists for).</summary>
    public ECDsa PckKey { get; }

    /// <summary>The verifier a client of this platform uses: its simulation root named as anchor, everything else strict.</summary>
    public DcapQuoteVerifier Verifier => new(new DcapQuoteVerifierOptions { TrustAnchor = TrustAnchor.InsecureNonIntelRoot(Platform.RootCertificate) });

    /// <summary>A fresh platform whose clock is <paramref name="now"/>, saved to a temporary folder to read its keys back.</summary>
    public static SimulatedPkiForgery Create(DateTimeOffset now, SimulatedPlatformOptions? options = null)
    {
        string directory = Directory.CreateTempSubdirectory("blindai-security-pki-").FullName;
        using (SimulatedTeePlatform created = SimulatedTeePlatform.Create(options, new FakeTimeProvider(now)))
        {
            created.Save(directory);
        }

        return new SimulatedPkiForgery(SimulatedTeePlatform.Load(directory, new FakeTimeProvider(now)), directory, directory);
    }

    /// <summary>The keys of the platform a running host attests with.</summary>
    public static SimulatedPkiForgery Of(SimulatedHost host)
    {
        string directory = Path.Combine(host.DataDirectory, "simulation");
        return new SimulatedPkiForgery(host.LoadPlatform(), directory, ownedDirectory: null);
    }

    /// <summary>
    /// A certificate for <paramref name="subjectKey"/> issued by <paramref name="issuer"/>. <paramref name="certificateAuthority"/>
    /// null leaves basicConstraints out; <paramref name="usage"/> null leaves keyUsage out.
    /// </summary>
    public static X509Certificate2 Issue(
        X500DistinguishedName subject,
        ECDsa subjectKey,
        X509Certificate2 issuer,
        ECDsa issuerKey,
        bool? certificateAuthority,
        X509KeyUsageFlags? usage)
    {
        var request = new CertificateRequest(subject, subjectKey, HashAlgorithmName.SHA256);
        if (certificateAuthority is { } ca)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, ca, 0, critical: true));
        }

        if (usage is { } flags)
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(flags, critical: true));
        }

        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), issuer.NotBefore, issuer.NotAfter, Serial());
    }

    /// <summary>
    /// A self-signed root with the given subject (its DER kept byte for byte) and public key, signed by
    /// <paramref name="signingKey"/>, valid from <paramref name="notBefore"/> to <paramref name="notAfter"/>.
    /// </summary>
    public static X509Certificate2 SelfIssuedRoot(X500DistinguishedName subject, PublicKey publicKey, ECDsa signingKey, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var request = new CertificateRequest(subject, publicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(publicKey, critical: false));
        return request.Create(subject, X509SignatureGenerator.CreateForECDsa(signingKey), notBefore, notAfter, Serial());
    }

    /// <summary>The simulated root issued again with its own subject and key and another validity (and serial number).</summary>
    public X509Certificate2 ReissuedRoot(DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        SelfIssuedRoot(new X500DistinguishedName(Platform.RootCertificate.SubjectName.RawData), Platform.RootCertificate.PublicKey, RootKey, notBefore, notAfter);

    /// <summary>The collateral with its TCB Info (and, when asked, its QE Identity) signed by <paramref name="key"/> and given <paramref name="chain"/> as issuer chain.</summary>
    public static SimulatedCollateral SignedBy(SimulatedCollateral collateral, ECDsa key, IReadOnlyList<X509Certificate2> chain, bool tcbInfo = true, bool qeIdentity = true)
    {
        string pem = Pem(chain);
        SimulatedCollateral signed = collateral;
        if (tcbInfo)
        {
            signed = signed with { TcbInfoIssuerChain = pem, TcbInfoSignature = Sign(key, signed.TcbInfo) };
        }

        if (qeIdentity)
        {
            signed = signed with { QeIdentityIssuerChain = pem, QeIdentitySignature = Sign(key, signed.QeIdentity) };
        }

        return signed;
    }

    /// <summary>Certificates as concatenated PEM, first to last.</summary>
    public static string Pem(IEnumerable<X509Certificate2> chain) => string.Concat(chain.Select(c => c.ExportCertificatePem() + "\n"));

    /// <summary>Collateral as the client's verifier receives it (the dcap-qvl bundle form).</summary>
    public static QuoteCollateral Parse(SimulatedCollateral collateral) => DcapQvlCollateralJson.Parse(Encoding.UTF8.GetBytes(collateral.ToDcapQvlJson()));

    /// <summary>A quote of the platform (report data all zero).</summary>
    public Quote CreateQuote() => Quote.Parse(Platform.CreateQuote(new byte[64]));

    public void Dispose()
    {
        Platform.Dispose();
        RootKey.Dispose();
        PckCaKey.Dispose();
        TcbSigningKey.Dispose();
        PckKey.Dispose();
        if (ownedDirectory is not null)
        {
            Directory.Delete(ownedDirectory, recursive: true);
        }
    }

    private static ReadOnlyMemory<byte> Sign(ECDsa key, string document) =>
        key.SignData(Encoding.UTF8.GetBytes(document), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    private static ECDsa LoadKey(string directory, string name)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(directory, name + ".key.pem")));
        return key;
    }

    private static byte[] Serial()
    {
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        return serial;
    }
}
