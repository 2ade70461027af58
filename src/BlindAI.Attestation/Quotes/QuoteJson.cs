using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using BlindAI.Attestation.Pck;

namespace BlindAI.Attestation.Quotes;

/// <summary>Every parsed field of a quote as JSON (<c>blindai quote show</c>); binary values are lowercase hex.</summary>
internal static class QuoteJson
{
    public static void Write(Utf8JsonWriter json, Quote quote)
    {
        json.WriteStartObject();
        json.WriteNumber("size", quote.Bytes.Length);
        WriteHeader(json, quote.Header);
        json.WriteString("bodyType", quote.BodyType.ToString());
        if (quote.SgxReport is { } sgx)
        {
            json.WritePropertyName("sgxReport");
            WriteSgxReport(json, sgx);
        }

        if (quote.TdReport is { } td)
        {
            json.WritePropertyName("tdReport");
            WriteTdReport(json, td);
        }

        WriteSignatureData(json, quote.SignatureData);
        json.WriteEndObject();
    }

    private static void WriteHeader(Utf8JsonWriter json, QuoteHeader header)
    {
        json.WriteStartObject("header");
        json.WriteNumber("version", header.Version);
        json.WriteString("attestationKeyType", header.AttestationKeyType.ToString());
        json.WriteString("teeType", header.TeeType.ToString());
        json.WriteNumber("qeSvn", header.QeSvn);
        json.WriteNumber("pceSvn", header.PceSvn);
        json.WriteString("qeVendorId", header.QeVendorId.ToString());
        json.WriteString("userData", header.UserData.ToString());
        json.WriteEndObject();
    }

    private static void WriteSgxReport(Utf8JsonWriter json, SgxReportBody report)
    {
        json.WriteStartObject();
        json.WriteString("cpuSvn", report.CpuSvn.ToString());
        json.WriteString("miscSelect", report.MiscSelect.ToString("x8", CultureInfo.InvariantCulture));
        json.WriteString("isvExtProdId", report.IsvExtProdId.ToString());
        json.WriteString("attributes", report.Attributes.ToString());
        json.WriteString("attributeFlags", report.AttributeFlags.ToString("x16", CultureInfo.InvariantCulture));
        json.WriteString("xfrm", report.Xfrm.ToString("x16", CultureInfo.InvariantCulture));
        json.WriteBoolean("debug", report.IsDebug);
        json.WriteString("mrEnclave", report.MrEnclave.ToString());
        json.WriteString("mrSigner", report.MrSigner.ToString());
        json.WriteString("configId", report.ConfigId.ToString());
        json.WriteNumber("isvProdId", report.IsvProdId);
        json.WriteNumber("isvSvn", report.IsvSvn);
        json.WriteNumber("configSvn", report.ConfigSvn);
        json.WriteString("isvFamilyId", report.IsvFamilyId.ToString());
        json.WriteString("reportData", report.ReportData.ToString());
        json.WriteEndObject();
    }

    private static void WriteTdReport(Utf8JsonWriter json, TdReportBody report)
    {
        json.WriteStartObject();
        json.WriteString("teeTcbSvn", report.TeeTcbSvn.ToString());
        json.WriteString("mrSeam", report.MrSeam.ToString());
        json.WriteString("mrSignerSeam", report.MrSignerSeam.ToString());
        json.WriteString("seamAttributes", report.SeamAttributes.ToString("x16", CultureInfo.InvariantCulture));
        json.WriteString("tdAttributes", report.TdAttributes.ToString("x16", CultureInfo.InvariantCulture));
        json.WriteBoolean("debug", report.IsDebug);
        json.WriteString("xfam", report.Xfam.ToString("x16", CultureInfo.InvariantCulture));
        json.WriteString("mrTd", report.MrTd.ToString());
        json.WriteString("mrConfigId", report.MrConfigId.ToString());
        json.WriteString("mrOwner", report.MrOwner.ToString());
        json.WriteString("mrOwnerConfig", report.MrOwnerConfig.ToString());
        json.WriteStartArray("rtmrs");
        foreach (Measurement rtmr in report.Rtmrs)
        {
            json.WriteStringValue(rtmr.ToString());
        }

        json.WriteEndArray();
        json.WriteString("reportData", report.ReportData.ToString());
        if (report.TeeTcbSvn2 is { } svn2)
        {
            json.WriteString("teeTcbSvn2", svn2.ToString());
        }

        if (report.MrServiceTd is { } serviceTd)
        {
            json.WriteString("mrServiceTd", serviceTd.ToString());
        }

        json.WriteEndObject();
    }

    private static void WriteSignatureData(Utf8JsonWriter json, QuoteSignatureData data)
    {
        json.WriteStartObject("signatureData");
        json.WriteString("signature", Convert.ToHexStringLower(data.Signature.Raw.Span));
        json.WriteString("attestationKey", Convert.ToHexStringLower(data.AttestationKey.Raw.Span));
        json.WritePropertyName("qeReport");
        WriteSgxReport(json, data.QeReport);
        json.WriteString("qeReportSignature", Convert.ToHexStringLower(data.QeReportSignature.Raw.Span));
        json.WriteString("qeAuthenticationData", Convert.ToHexStringLower(data.QeAuthenticationData.Data.Span));
        json.WriteString("certificationDataType", data.CertificationDataType.ToString());
        WritePckChain(json, data.PckCertificateChain);
        json.WriteEndObject();
    }

    private static void WritePckChain(Utf8JsonWriter json, PckCertificateChain chain)
    {
        json.WriteStartObject("pckCertificateChain");
        json.WriteString("caType", chain.CaType.ToString());
        json.WriteStartArray("certificates");
        foreach (X509Certificate2 certificate in new[] { chain.Leaf, chain.Intermediate, chain.Root })
        {
            json.WriteStartObject();
            json.WriteString("subject", certificate.Subject);
            json.WriteString("issuer", certificate.Issuer);
            json.WriteString("serialNumber", certificate.SerialNumber.ToLowerInvariant());
            json.WriteString("notBefore", certificate.NotBefore.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            json.WriteString("notAfter", certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            json.WriteString("sha256", certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256).ToLowerInvariant());
            json.WriteEndObject();
        }

        json.WriteEndArray();
        SgxPckExtensions extensions = chain.Extensions;
        json.WriteStartObject("sgxExtensions");
        json.WriteString("ppid", extensions.Ppid.ToString());
        json.WriteStartArray("tcbComponents");
        foreach (byte svn in extensions.Tcb.SgxTcbComponents)
        {
            json.WriteNumberValue(svn);
        }

        json.WriteEndArray();
        json.WriteNumber("pceSvn", extensions.Tcb.PceSvn);
        json.WriteString("cpuSvn", extensions.Tcb.CpuSvn.ToString());
        json.WriteString("pceId", extensions.PceId.ToString());
        json.WriteString("fmspc", extensions.Fmspc.ToString());
        json.WriteString("sgxType", extensions.SgxType.ToString());
        if (extensions.PlatformInstanceId is { } instance)
        {
            json.WriteString("platformInstanceId", instance.ToString());
        }

        if (extensions.Configuration is { } configuration)
        {
            json.WriteStartObject("configuration");
            WriteNullableBool(json, "dynamicPlatform", configuration.DynamicPlatform);
            WriteNullableBool(json, "cachedKeys", configuration.CachedKeys);
            WriteNullableBool(json, "smtEnabled", configuration.SmtEnabled);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteNullableBool(Utf8JsonWriter json, string name, bool? value)
    {
        if (value is { } v)
        {
            json.WriteBoolean(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
