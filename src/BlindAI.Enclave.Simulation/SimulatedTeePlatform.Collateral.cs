using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;

namespace BlindAI.Enclave.Simulation;

public sealed partial class SimulatedTeePlatform
{
    private static readonly JsonWriterOptions CompactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Signs TCB Info and QE Identity and issues both CRLs, as the options say.</summary>
    /// <param name="options">What the collateral says; defaults give an <c>UpToDate</c> SGX platform.</param>
    /// <returns>The collateral.</returns>
    public SimulatedCollateral CreateCollateral(SimulatedCollateralOptions? options = null)
    {
        options ??= new SimulatedCollateralOptions();
        DateTimeOffset now = _timeProvider.GetUtcNow();
        SimulatedValidity validity = options.Validity ?? new SimulatedValidity(now.AddDays(-1), now.AddDays(30));

        SimulatedValidity tcbInfoValidity = options.TcbInfoValidity ?? validity;
        SimulatedValidity qeIdentityValidity = options.QeIdentityValidity ?? validity;
        SimulatedValidity rootCaCrlValidity = options.RootCaCrlValidity ?? validity;
        SimulatedValidity pckCrlValidity = options.PckCrlValidity ?? validity;
        string tcbInfo = TcbInfoJson(options, tcbInfoValidity);
        string qeIdentity = QeIdentityJson(options, qeIdentityValidity);
        string tcbChain = PemChain(TcbSigningCertificate, RootCertificate);
        return new SimulatedCollateral
        {
            NextUpdate = new[] { tcbInfoValidity, qeIdentityValidity, rootCaCrlValidity, pckCrlValidity }.Min(v => v.NextUpdate),
            PckCrlIssuerChain = PemChain(PckPlatformCaCertificate, RootCertificate),
            RootCaCrl = RootCaCrl(options, rootCaCrlValidity),
            PckCrl = PckCrl(options, pckCrlValidity),
            TcbInfoIssuerChain = tcbChain,
            TcbInfo = tcbInfo,
            TcbInfoSignature = _tcbSigningKey.SignData(Encoding.UTF8.GetBytes(tcbInfo), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            QeIdentityIssuerChain = tcbChain,
            QeIdentity = qeIdentity,
            QeIdentitySignature = _tcbSigningKey.SignData(Encoding.UTF8.GetBytes(qeIdentity), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
        };
    }

    private byte[] RootCaCrl(SimulatedCollateralOptions options, SimulatedValidity validity)
    {
        var builder = new CertificateRevocationListBuilder();
        if (options.RevokePckPlatformCa)
        {
            builder.AddEntry(PckPlatformCaCertificate, validity.IssueDate, X509RevocationReason.KeyCompromise);
        }

        if (options.RevokeTcbSigningCertificate)
        {
            builder.AddEntry(TcbSigningCertificate, validity.IssueDate, X509RevocationReason.KeyCompromise);
        }

        using X509Certificate2 issuer = RootCertificate.CopyWithPrivateKey(_rootKey);
        return builder.Build(issuer, BigInteger.One, validity.NextUpdate, HashAlgorithmName.SHA256, rsaSignaturePadding: null, thisUpdate: validity.IssueDate);
    }

    private byte[] PckCrl(SimulatedCollateralOptions options, SimulatedValidity validity)
    {
        var builder = new CertificateRevocationListBuilder();
        if (options.RevokePckCertificate)
        {
            builder.AddEntry(PckCertificate, validity.IssueDate, X509RevocationReason.KeyCompromise);
        }

        using X509Certificate2 issuer = PckPlatformCaCertificate.CopyWithPrivateKey(_pckCaKey);
        return builder.Build(issuer, BigInteger.One, validity.NextUpdate, HashAlgorithmName.SHA256, rsaSignaturePadding: null, thisUpdate: validity.IssueDate);
    }

    private string TcbInfoJson(SimulatedCollateralOptions options, SimulatedValidity validity)
    {
        SimulatedPlatformTcb platform = Options.Platform;
        IReadOnlyList<SimulatedTcbLevel> levels = options.TcbLevels ??
        [
            new SimulatedTcbLevel
            {
                SgxTcbComponents = platform.SgxTcbComponents,
                PceSvn = platform.PceSvn,
                TdxTcbComponents = platform.TeeTcbSvn,
                Status = options.PlatformTcbStatus,
                AdvisoryIds = options.PlatformAdvisoryIds,
            },
        ];

        return WriteJson(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("id", options.Tdx ? "TDX" : "SGX");
            writer.WriteNumber("version", 3);
            writer.WriteString("issueDate", IntelDate(validity.IssueDate));
            writer.WriteString("nextUpdate", IntelDate(validity.NextUpdate));
            writer.WriteString("fmspc", Convert.ToHexString((options.TcbInfoFmspc ?? platform.Fmspc).Span));
            writer.WriteString("pceId", Convert.ToHexString((options.TcbInfoPceId ?? platform.PceId).Span));
            writer.WriteNumber("tcbType", 0);
            writer.WriteNumber("tcbEvaluationDataNumber", options.TcbEvaluationDataNumber);
            if (options.Tdx)
            {
                WriteTdxModule(writer, options, validity);
            }

            writer.WriteStartArray("tcbLevels");
            foreach (SimulatedTcbLevel level in levels)
            {
                writer.WriteStartObject();
                writer.WriteStartObject("tcb");
                WriteComponents(writer, "sgxtcbcomponents", level.SgxTcbComponents.Span);
                writer.WriteNumber("pcesvn", level.PceSvn);
                if (options.Tdx)
                {
                    WriteComponents(writer, "tdxtcbcomponents", level.TdxTcbComponents.IsEmpty ? new byte[16] : level.TdxTcbComponents.Span);
                }

                writer.WriteEndObject();
                WriteLevelTail(writer, level.TcbDate ?? validity.IssueDate, level.Status, level.AdvisoryIds);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private void WriteTdxModule(Utf8JsonWriter writer, SimulatedCollateralOptions options, SimulatedValidity validity)
    {
        ReadOnlySpan<byte> teeTcbSvn = Options.Platform.TeeTcbSvn.Span;
        string zeroSigner = new('0', 96);
        writer.WriteStartObject("tdxModule");
        writer.WriteString("mrsigner", zeroSigner);
        writer.WriteString("attributes", "0000000000000000");
        writer.WriteString("attributesMask", "FFFFFFFFFFFFFFFF");
        writer.WriteEndObject();
        writer.WriteStartArray("tdxModuleIdentities");
        writer.WriteStartObject();
        writer.WriteString("id", "TDX_" + teeTcbSvn[1].ToString("X2", CultureInfo.InvariantCulture));
        writer.WriteString("mrsigner", zeroSigner);
        writer.WriteString("attributes", "0000000000000000");
        writer.WriteString("attributesMask", "FFFFFFFFFFFFFFFF");
        writer.WriteStartArray("tcbLevels");
        writer.WriteStartObject();
        writer.WriteStartObject("tcb");
        writer.WriteNumber("isvsvn", teeTcbSvn[0]);
        writer.WriteEndObject();
        WriteLevelTail(writer, validity.IssueDate, options.TdxModuleTcbStatus, []);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
    }

    private string QeIdentityJson(SimulatedCollateralOptions options, SimulatedValidity validity)
    {
        SimulatedQuotingEnclave qe = Options.QuotingEnclave;
        IReadOnlyList<SimulatedQeTcbLevel> levels = options.QeTcbLevels ?? [new SimulatedQeTcbLevel(qe.IsvSvn, options.QeTcbStatus)];
        byte[] attributesMask = Convert.FromHexString("FBFFFFFFFFFFFFFF0000000000000000");
        byte[] attributes = new byte[16];
        BitConverter.TryWriteBytes(attributes.AsSpan(0, 8), qe.AttributeFlags);
        BitConverter.TryWriteBytes(attributes.AsSpan(8, 8), qe.Xfrm);
        for (int i = 0; i < 16; i++)
        {
            attributes[i] &= attributesMask[i];
        }

        return WriteJson(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("id", options.Tdx ? "TD_QE" : "QE");
            writer.WriteNumber("version", 2);
            writer.WriteString("issueDate", IntelDate(validity.IssueDate));
            writer.WriteString("nextUpdate", IntelDate(validity.NextUpdate));
            writer.WriteNumber("tcbEvaluationDataNumber", options.TcbEvaluationDataNumber);
            writer.WriteString("miscselect", "00000000");
            writer.WriteString("miscselectMask", "FFFFFFFF");
            writer.WriteString("attributes", Convert.ToHexString(attributes));
            writer.WriteString("attributesMask", Convert.ToHexString(attributesMask));
            writer.WriteString("mrsigner", Convert.ToHexString((options.QeIdentityMrSigner ?? qe.MrSigner).Span));
            writer.WriteNumber("isvprodid", options.QeIdentityIsvProdId ?? (options.Tdx ? qe.TdxIsvProdId : qe.SgxIsvProdId));
            writer.WriteStartArray("tcbLevels");
            foreach (SimulatedQeTcbLevel level in levels)
            {
                writer.WriteStartObject();
                writer.WriteStartObject("tcb");
                writer.WriteNumber("isvsvn", level.IsvSvn);
                writer.WriteEndObject();
                WriteLevelTail(writer, level.TcbDate ?? validity.IssueDate, level.Status, level.AdvisoryIds);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private static void WriteComponents(Utf8JsonWriter writer, string name, ReadOnlySpan<byte> svns)
    {
        writer.WriteStartArray(name);
        foreach (byte svn in svns)
        {
            writer.WriteStartObject();
            writer.WriteNumber("svn", svn);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteLevelTail(Utf8JsonWriter writer, DateTimeOffset tcbDate, TcbStatus status, IReadOnlyList<string> advisoryIds)
    {
        writer.WriteString("tcbDate", IntelDate(tcbDate));
        writer.WriteString("tcbStatus", status.ToIntelName());
        if (advisoryIds.Count > 0)
        {
            writer.WriteStartArray("advisoryIDs");
            foreach (string id in advisoryIds)
            {
                writer.WriteStringValue(id);
            }

            writer.WriteEndArray();
        }
    }

    private static string IntelDate(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string WriteJson(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, CompactJson))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
