using BlindAI.Attestation.Pck;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

using BlindAI.Attestation.Collateral;

namespace BlindAI.Attestation.Tests.Collateral;

/// <summary>
/// A throwaway PKI shaped like Intel's (root, PCK CA, TCB signing, PCK leaf, CRLs) that re-signs the real TCB Info and
/// QE Identity bytes, for the negative cases Intel-signed data cannot produce (revocations, CA constraints).
/// </summary>
internal sealed class TestPki : IDisposable
{
    public const string RootName = "CN=Intel SGX Root CA, O=Intel Corporation, L=Santa Clara, S=CA, C=US";

    public static readonly DateTimeOffset Now = CollateralVectors.SgxNow;

    private static readonly byte[] PckCaSerial = [0x11, 0x22];
    private static readonly byte[] TcbSerial = [0x33, 0x44];
    private static readonly byte[] LeafSerial = [0x55, 0x66];

    public TestPki(
        PckCaType caType = PckCaType.Platform,
        bool revokeLeaf = false,
        bool revokePckCa = false,
        bool revokeTcbSigning = false,
        bool pckCaIsCa = true)
    {
        RootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        PckCaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        TcbKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        LeafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var rootRequest = new CertificateRequest(RootName, RootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        Root = rootRequest.CreateSelfSigned(Now.AddYears(-5), Now.AddYears(20));

        var caName = caType == PckCaType.Platform ? PckCertificateAuthority.PlatformCaCommonName : PckCertificateAuthority.ProcessorCaCommonName;
        PckCa = Issue($"CN={caName}, O=Intel Corporation, L=Santa Clara, S=CA, C=US", PckCaKey, Root, RootKey, pckCaIsCa, PckCaSerial, X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign);
        // A non-Intel anchor accepts TCB Info and QE Identity only from a certificate with the non-Intel TCB signing subject.
        TcbSigning = Issue(TrustAnchor.NonIntelTcbSigningSubject, TcbKey, Root, RootKey, false, TcbSerial, X509KeyUsageFlags.DigitalSignature);
        Leaf = Issue("CN=Intel SGX PCK Certificate, O=Intel Corporation, L=Santa Clara, S=CA, C=US", LeafKey, PckCa, PckCaKey, false, LeafSerial, X509KeyUsageFlags.DigitalSignature);

        RootCrl = Crl(Root, RootKey, [.. revokePckCa ? [PckCaSerial] : Array.Empty<byte[]>(), .. revokeTcbSigning ? [TcbSerial] : Array.Empty<byte[]>()]);
        PckCrl = Crl(PckCa, PckCaKey, revokeLeaf ? [LeafSerial] : []);
        Anchor = TrustAnchor.InsecureNonIntelRoot(Root);
    }

    public ECDsa RootKey { get; }

    public ECDsa PckCaKey { get; }

    public ECDsa TcbKey { get; }

    public ECDsa LeafKey { get; }

    public X509Certificate2 Root { get; }

    public X509Certificate2 PckCa { get; }

    public X509Certificate2 TcbSigning { get; }

    public X509Certificate2 Leaf { get; }

    public byte[] RootCrl { get; }

    public byte[] PckCrl { get; }

    public TrustAnchor Anchor { get; }

    public X509Certificate2[] PckChain => [Leaf, PckCa, Root];

    /// <summary>The real SGX TCB Info and QE Identity bytes, signed by this PKI's TCB signing key.</summary>
    public QuoteCollateral Collateral()
    {
        var real = CollateralVectors.SgxBundle();
        var tcbInfo = real.TcbInfo.RawJson.ToArray();
        var qeIdentity = real.QeIdentity.RawJson.ToArray();
        var bundle = new StringBuilder()
            .Append("{\"pck_crl_issuer_chain\":").Append(Quote(Pem(PckCa, Root)))
            .Append(",\"root_ca_crl\":\"").Append(Convert.ToHexString(RootCrl)).Append('"')
            .Append(",\"pck_crl\":\"").Append(Convert.ToHexString(PckCrl)).Append('"')
            .Append(",\"tcb_info_issuer_chain\":").Append(Quote(Pem(TcbSigning, Root)))
            .Append(",\"tcb_info\":").Append(Quote(Encoding.UTF8.GetString(tcbInfo)))
            .Append(",\"tcb_info_signature\":\"").Append(Convert.ToHexString(TcbKey.SignData(tcbInfo, HashAlgorithmName.SHA256))).Append('"')
            .Append(",\"qe_identity_issuer_chain\":").Append(Quote(Pem(TcbSigning, Root)))
            .Append(",\"qe_identity\":").Append(Quote(Encoding.UTF8.GetString(qeIdentity)))
            .Append(",\"qe_identity_signature\":\"").Append(Convert.ToHexString(TcbKey.SignData(qeIdentity, HashAlgorithmName.SHA256))).Append('"')
            .Append('}');
        return DcapQvlCollateralJson.Parse(Encoding.UTF8.GetBytes(bundle.ToString()));
    }

    public void Dispose()
    {
        foreach (var disposable in new IDisposable[] { Root, PckCa, TcbSigning, Leaf, RootKey, PckCaKey, TcbKey, LeafKey })
        {
            disposable.Dispose();
        }
    }

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static string Pem(params X509Certificate2[] certificates) => string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n"));

    private static X509Certificate2 Issue(string subject, ECDsa key, X509Certificate2 issuer, ECDsa issuerKey, bool ca, byte[] serial, X509KeyUsageFlags usage)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, ca, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), Now.AddYears(-2), Now.AddYears(5), serial);
    }

    private static byte[] Crl(X509Certificate2 issuer, ECDsa issuerKey, byte[][] revoked)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var serial in revoked)
        {
            builder.AddEntry(serial, Now.AddDays(-3));
        }

        return builder.Build(
            issuer.SubjectName,
            X509SignatureGenerator.CreateForECDsa(issuerKey),
            BigInteger.One,
            Now.AddDays(30),
            HashAlgorithmName.SHA256,
            X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false),
            Now.AddDays(-1));
    }
}
