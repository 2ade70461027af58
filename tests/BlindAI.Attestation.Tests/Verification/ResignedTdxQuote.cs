using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Pck;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Tests.Collateral;
using BlindAI.Attestation.Tests.Quotes;

namespace BlindAI.Attestation.Tests.Verification;

/// <summary>
/// The real phala tdx_quote under a throwaway Intel-shaped PKI (<see cref="TestPki"/>), so that its TCB Info can be
/// edited and re-signed, for the TDX module cases Intel-signed collateral cannot show. The quote's header, TD report and
/// signature are the real bytes (the attestation key is the real one); only the PCK chain is replaced by a leaf of this
/// PKI carrying the real leaf's SGX extension (same FMSPC, PCE-ID and TCB), and the QE report is re-signed with its key.
/// </summary>
internal sealed class ResignedTdxQuote : IDisposable
{
    private const int HeaderSize = 48;
    private const int TdReport10Size = 584;
    private const int QeReportSize = 384;
    private const int SignatureSize = 64;

    private readonly TestPki _pki = new();
    private readonly ECDsa _leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _leaf;

    public ResignedTdxQuote()
    {
        byte[] original = QuoteVectors.TdxV4;
        byte[] realLeafDer = Quote.Parse(original).SignatureData.PckCertificateChain.LeafDer.ToArray();
        using var realLeaf = X509CertificateLoader.LoadCertificate(realLeafDer);
        X509Extension sgxExtension = realLeaf.Extensions[SgxPckExtensions.ExtensionOid]
            ?? throw new InvalidOperationException("The real PCK certificate has no SGX extension.");

        var request = new CertificateRequest("CN=Intel SGX PCK Certificate, O=Intel Corporation, L=Santa Clara, S=CA, C=US", _leafKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        request.CertificateExtensions.Add(new X509Extension(sgxExtension.Oid!, sgxExtension.RawData, critical: false));
        _leaf = request.Create(_pki.PckCa.SubjectName, X509SignatureGenerator.CreateForECDsa(_pki.PckCaKey), Now.AddYears(-1), Now.AddYears(5), [0x77, 0x01]);

        Bytes = Resign(original);
    }

    /// <summary>The instant the phala TDX collateral is valid at (its README).</summary>
    public static DateTimeOffset Now => CollateralVectors.TdxNow;

    /// <summary>The quote, verifiable under <see cref="Anchor"/>.</summary>
    public byte[] Bytes { get; }

    public TrustAnchor Anchor => _pki.Anchor;

    /// <summary>The real TDX TCB Info (edited by <paramref name="editTcbInfo"/>) and TD_QE identity, signed by this PKI.</summary>
    public QuoteCollateral Collateral(Action<JsonObject>? editTcbInfo = null)
    {
        QuoteCollateral real = CollateralVectors.TdxBundle();
        var tcbInfoJson = JsonNode.Parse(real.TcbInfo.RawJson.Span)!.AsObject();
        editTcbInfo?.Invoke(tcbInfoJson);
        byte[] tcbInfo = Encoding.UTF8.GetBytes(tcbInfoJson.ToJsonString());
        byte[] qeIdentity = real.QeIdentity.RawJson.ToArray();
        var bundle = new JsonObject
        {
            ["pck_crl_issuer_chain"] = Pem(_pki.PckCa, _pki.Root),
            ["root_ca_crl"] = Convert.ToHexString(_pki.RootCrl),
            ["pck_crl"] = Convert.ToHexString(_pki.PckCrl),
            ["tcb_info_issuer_chain"] = Pem(_pki.TcbSigning, _pki.Root),
            ["tcb_info"] = Encoding.UTF8.GetString(tcbInfo),
            ["tcb_info_signature"] = Convert.ToHexString(_pki.TcbKey.SignData(tcbInfo, HashAlgorithmName.SHA256)),
            ["qe_identity_issuer_chain"] = Pem(_pki.TcbSigning, _pki.Root),
            ["qe_identity"] = Encoding.UTF8.GetString(qeIdentity),
            ["qe_identity_signature"] = Convert.ToHexString(_pki.TcbKey.SignData(qeIdentity, HashAlgorithmName.SHA256)),
        };
        return DcapQvlCollateralJson.Parse(Encoding.UTF8.GetBytes(bundle.ToJsonString()));
    }

    public void Dispose()
    {
        _leaf.Dispose();
        _leafKey.Dispose();
        _pki.Dispose();
    }

    /// <summary>v4 layout: header, TD report, length, signature, attestation key, type-6 data (QE report, its signature, QE auth data, type-5 PCK chain).</summary>
    private byte[] Resign(byte[] quote)
    {
        ReadOnlySpan<byte> span = quote;
        int signedEnd = HeaderSize + TdReport10Size;
        int signatureData = signedEnd + 4;
        int qeReport = signatureData + SignatureSize + SignatureSize + 6;
        int authLengthAt = qeReport + QeReportSize + SignatureSize;
        int authLength = BinaryPrimitives.ReadUInt16LittleEndian(span[authLengthAt..]);
        ReadOnlySpan<byte> report = span.Slice(qeReport, QeReportSize);
        ReadOnlySpan<byte> auth = span.Slice(authLengthAt + 2, authLength);

        byte[] reportSignature = _leafKey.SignData(report, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        byte[] chain = Encoding.ASCII.GetBytes(Pem(_leaf, _pki.PckCa, _pki.Root));
        byte[] pckData = [.. U16(5), .. U32((uint)chain.Length), .. chain];
        byte[] qeData = [.. report, .. reportSignature, .. U16((ushort)authLength), .. auth, .. pckData];
        byte[] signature = [.. span.Slice(signatureData, SignatureSize * 2), .. U16(6), .. U32((uint)qeData.Length), .. qeData];
        return [.. span[..signedEnd], .. U32((uint)signature.Length), .. signature];
    }

    private static string Pem(params X509Certificate2[] certificates) => string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n"));

    private static byte[] U16(ushort value)
    {
        byte[] bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] U32(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }
}
