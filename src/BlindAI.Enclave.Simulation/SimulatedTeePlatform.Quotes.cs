using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using BlindAI.Enclave.Quoting;

namespace BlindAI.Enclave.Simulation;

public sealed partial class SimulatedTeePlatform
{
    /// <summary>Intel's QE vendor id; verifiers reject any other, so the simulation uses it too.</summary>
    internal static readonly byte[] IntelQeVendorId = Convert.FromHexString("939a7233f79c4ca9940a0db3957f0607");

    internal const int HeaderLength = 48;
    internal const int SgxReportBodyLength = 384;
    internal const int TdReport10Length = 584;
    internal const int TdReport15Length = 648;
    private const ushort EcdsaP256KeyType = 2;
    private const uint SgxTeeType = 0x00000000;
    private const uint TdxTeeType = 0x00000081;

    /// <summary>Produces a quote binding <paramref name="reportData"/>, signed by the attestation key, with a QE report signed by the PCK key.</summary>
    /// <param name="reportData">Exactly 64 bytes.</param>
    /// <param name="format">The quote layout; <see cref="QuoteFormat"/> when <see langword="null"/>.</param>
    /// <returns>The quote.</returns>
    /// <exception cref="EvidenceException">The report data is not 64 bytes.</exception>
    public byte[] CreateQuote(ReadOnlySpan<byte> reportData, SimulatedQuoteFormat? format = null) =>
        CreateQuote(reportData, new SimulatedQuoteOptions { Format = format });

    /// <summary>Produces a quote with format, identity and chain overrides (for tests that need a particular or a broken quote).</summary>
    internal byte[] CreateQuote(ReadOnlySpan<byte> reportData, SimulatedQuoteOptions? options)
    {
        if (reportData.Length != IQuoteProvider.ReportDataLength)
        {
            throw new EvidenceException(EnclaveErrorReason.InvalidReportData, $"Report data must be exactly {IQuoteProvider.ReportDataLength} bytes; got {reportData.Length}.");
        }

        options ??= new SimulatedQuoteOptions();
        SimulatedQuoteFormat format = options.Format ?? Options.QuoteFormat;
        bool tdx = format != SimulatedQuoteFormat.SgxV3;
        SimulatedQuotingEnclave qe = Options.QuotingEnclave;

        byte[] signedPart = format switch
        {
            SimulatedQuoteFormat.SgxV3 => [.. Header(3, SgxTeeType), .. SgxReportBody(options.Enclave ?? Options.Enclave, reportData)],
            SimulatedQuoteFormat.TdxV4 => [.. Header(4, TdxTeeType), .. TdReportBody(options.TrustDomain ?? Options.TrustDomain, reportData, v15: false)],
            SimulatedQuoteFormat.TdxV5TdReport10 => [.. Header(5, TdxTeeType), .. BodyDescriptor(2, TdReport10Length), .. TdReportBody(options.TrustDomain ?? Options.TrustDomain, reportData, v15: false)],
            SimulatedQuoteFormat.TdxV5TdReport15 => [.. Header(5, TdxTeeType), .. BodyDescriptor(3, TdReport15Length), .. TdReportBody(options.TrustDomain ?? Options.TrustDomain, reportData, v15: true)],
            _ => throw new ArgumentException($"Unknown quote format {format}.", nameof(options)),
        };

        byte[] quoteSignature = _attestationKey.SignData(signedPart, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        byte[] attestationKey = RawPublicKey(_attestationKey);

        // QE report data = SHA-256(attestation key || QE auth data) || 32 zero bytes: binds the key to the QE.
        byte[] qeReportData = new byte[64];
        SHA256.HashData([.. attestationKey, .. qe.AuthenticationData.Span], qeReportData);
        byte[] qeReport = QeReportBody(qe, tdx ? qe.TdxIsvProdId : qe.SgxIsvProdId, qeReportData);
        byte[] qeReportSignature = _pckKey.SignData(qeReport, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        byte[] pem = Encoding.ASCII.GetBytes(options.PckCertificateChainPem ?? PckCertificateChainPem());
        byte[] pckChainData = CertificationData(5, pem);
        byte[] qeReportBlock = [.. qeReport, .. qeReportSignature, .. U16((ushort)qe.AuthenticationData.Length), .. qe.AuthenticationData.Span];

        byte[] signatureData = format == SimulatedQuoteFormat.SgxV3
            ? [.. quoteSignature, .. attestationKey, .. qeReportBlock, .. pckChainData]
            : [.. quoteSignature, .. attestationKey, .. CertificationData(6, [.. qeReportBlock, .. pckChainData])];

        return [.. signedPart, .. U32((uint)signatureData.Length), .. signatureData];
    }

    private byte[] Header(ushort version, uint teeType)
    {
        byte[] header = new byte[HeaderLength];
        BinaryPrimitives.WriteUInt16LittleEndian(header, version);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), EcdsaP256KeyType);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), teeType);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), Options.QuotingEnclave.IsvSvn);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), Options.Platform.PceSvn);
        IntelQeVendorId.CopyTo(header, 12);

        // User data: the first 16 bytes are the QE id, a per-platform value; derived from the attestation key.
        SHA256.HashData(AttestationPublicKey.Span).AsSpan(0, 16).CopyTo(header.AsSpan(28));
        return header;
    }

    private static byte[] BodyDescriptor(ushort bodyType, uint bodySize) => [.. U16(bodyType), .. U32(bodySize)];

    private byte[] SgxReportBody(SimulatedSgxEnclave enclave, ReadOnlySpan<byte> reportData)
    {
        byte[] body = new byte[SgxReportBodyLength];
        Options.Platform.CpuSvn.Span.CopyTo(body);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(16), enclave.MiscSelect);
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(48), enclave.AttributeFlags);
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(56), enclave.Xfrm);
        enclave.MrEnclave.Span.CopyTo(body.AsSpan(64));
        enclave.MrSigner.Span.CopyTo(body.AsSpan(128));
        enclave.ConfigId.Span.CopyTo(body.AsSpan(192));
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(256), enclave.IsvProdId);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(258), enclave.IsvSvn);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(260), enclave.ConfigSvn);
        reportData.CopyTo(body.AsSpan(320));
        return body;
    }

    private byte[] QeReportBody(SimulatedQuotingEnclave qe, ushort isvProdId, ReadOnlySpan<byte> reportData)
    {
        byte[] body = new byte[SgxReportBodyLength];
        Options.Platform.CpuSvn.Span.CopyTo(body);
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(48), qe.AttributeFlags);
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(56), qe.Xfrm);
        SHA256.HashData(qe.MrSigner.Span).CopyTo(body.AsSpan(64));
        qe.MrSigner.Span.CopyTo(body.AsSpan(128));
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(256), isvProdId);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(258), qe.IsvSvn);
        reportData.CopyTo(body.AsSpan(320));
        return body;
    }

    private byte[] TdReportBody(SimulatedTdIdentity td, ReadOnlySpan<byte> reportData, bool v15)
    {
        byte[] body = new byte[v15 ? TdReport15Length : TdReport10Length];
        SimulatedPlatformTcb platform = Options.Platform;
        platform.TeeTcbSvn.Span.CopyTo(body);
        platform.MrSeam.Span.CopyTo(body.AsSpan(16));

        // MRSIGNERSEAM (64..112) stays zero: Intel-signed TDX modules. SEAMATTRIBUTES (112..120) zero.
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(120), td.TdAttributes);
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(128), td.Xfam);
        td.MrTd.Span.CopyTo(body.AsSpan(136));
        td.MrConfigId.Span.CopyTo(body.AsSpan(184));
        td.MrOwner.Span.CopyTo(body.AsSpan(232));
        td.MrOwnerConfig.Span.CopyTo(body.AsSpan(280));
        for (int i = 0; i < 4; i++)
        {
            td.Rtmrs[i].Span.CopyTo(body.AsSpan(328 + (48 * i)));
        }

        reportData.CopyTo(body.AsSpan(520));
        if (v15)
        {
            (platform.TeeTcbSvn2.IsEmpty ? platform.TeeTcbSvn : platform.TeeTcbSvn2).Span.CopyTo(body.AsSpan(584));
            td.MrServiceTd.Span.CopyTo(body.AsSpan(600));
        }

        return body;
    }

    private static byte[] CertificationData(ushort type, byte[] data) => [.. U16(type), .. U32((uint)data.Length), .. data];

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
