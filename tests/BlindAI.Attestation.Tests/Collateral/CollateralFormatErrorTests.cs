using System.Text;

using BlindAI.Attestation.Collateral;

namespace BlindAI.Attestation.Tests.Collateral;

public sealed class CollateralFormatErrorTests
{
    private static string SgxTcbInfo() => Encoding.UTF8.GetString(CollateralVectors.SgxBundle().TcbInfo.RawJson.Span);

    private static string SgxQeIdentity() => Encoding.UTF8.GetString(CollateralVectors.SgxBundle().QeIdentity.RawJson.Span);

    private static AttestationFormatErrorReason TcbInfoError(string json) =>
        Assert.Throws<AttestationFormatException>(() => TcbInfo.Parse(Encoding.UTF8.GetBytes(json))).Reason;

    [Fact]
    public void Tcb_info_with_15_sgx_components_is_rejected()
    {
        var json = SgxTcbInfo();
        var first = json.IndexOf("{\"svn\":11},", StringComparison.Ordinal);
        Assert.Equal(AttestationFormatErrorReason.InvalidField, TcbInfoError(json.Remove(first, "{\"svn\":11},".Length)));
    }

    [Fact]
    public void Tdx_tcb_info_with_a_missing_tdx_component_list_is_rejected()
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(CollateralVectors.TdxBundle().TcbInfo.RawJson.Span)!.AsObject();
        node["tcbLevels"]![0]!["tcb"]!.AsObject().Remove("tdxtcbcomponents");
        Assert.Equal(AttestationFormatErrorReason.MissingField, TcbInfoError(node.ToJsonString()));
    }

    [Fact]
    public void Tcb_info_v2_with_a_missing_component_is_rejected()
    {
        var body = CollateralVectors.AutomataText("tcbinfov2.json").Replace("\"sgxtcbcomp16svn\":0,", string.Empty, StringComparison.Ordinal);
        var responses = CollateralVectors.AutomataSgxResponses() with { TcbInfoBody = Encoding.UTF8.GetBytes(body) };
        var error = Assert.Throws<AttestationFormatException>(() => QuoteCollateral.FromPcsResponses(responses));
        Assert.Equal(AttestationFormatErrorReason.MissingField, error.Reason);
        Assert.Contains("sgxtcbcomp16svn", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"tcbStatus\":\"SWHardeningNeeded\"", "\"tcbStatus\":\"Fine\"", AttestationFormatErrorReason.InvalidField)]
    [InlineData("\"fmspc\":\"00A067110000\"", "\"fmspc\":\"00A0671100\"", AttestationFormatErrorReason.InvalidField)]
    [InlineData("\"fmspc\":\"00A067110000\"", "\"fmspc\":\"00A06711000G\"", AttestationFormatErrorReason.InvalidField)]
    [InlineData("\"id\":\"SGX\"", "\"id\":\"SEV\"", AttestationFormatErrorReason.InvalidField)]
    [InlineData("\"version\":3", "\"version\":4", AttestationFormatErrorReason.UnsupportedVersion)]
    [InlineData("\"issueDate\":\"2025-06-19T10:56:11Z\"", "\"issueDate\":\"yesterday\"", AttestationFormatErrorReason.InvalidField)]
    [InlineData("\"pceId\":\"0000\",", "", AttestationFormatErrorReason.MissingField)]
    [InlineData("{\"svn\":11}", "{\"svn\":256}", AttestationFormatErrorReason.InvalidField)]
    [InlineData("{\"svn\":11}", "{\"svn\":\"11\"}", AttestationFormatErrorReason.InvalidField)]
    [InlineData("\"pcesvn\":13", "\"pcesvn\":-1", AttestationFormatErrorReason.InvalidField)]
    [InlineData("\"tcbType\":0,", "\"tcbType\":0,\"tcbType\":1,", AttestationFormatErrorReason.InvalidJson)]
    public void Malformed_tcb_info_fields_are_typed_errors(string find, string replace, AttestationFormatErrorReason expected)
    {
        var json = SgxTcbInfo();
        Assert.Contains(find, json, StringComparison.Ordinal);
        Assert.Equal(expected, TcbInfoError(json.Replace(find, replace, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("\"id\":\"QE\"", "\"id\":\"PCE\"", AttestationFormatErrorReason.InvalidField)]
    [InlineData("\"version\":2", "\"version\":1", AttestationFormatErrorReason.UnsupportedVersion)]
    [InlineData("\"miscselect\":\"00000000\"", "\"miscselect\":\"000000\"", AttestationFormatErrorReason.InvalidField)]
    [InlineData("\"isvprodid\":1,", "", AttestationFormatErrorReason.MissingField)]
    [InlineData("\"isvsvn\":8", "\"isvsvn\":70000", AttestationFormatErrorReason.InvalidField)]
    [InlineData("\"tcbStatus\":\"UpToDate\"", "\"tcbStatus\":null", AttestationFormatErrorReason.InvalidField)]
    public void Malformed_qe_identity_fields_are_typed_errors(string find, string replace, AttestationFormatErrorReason expected)
    {
        var json = SgxQeIdentity();
        Assert.Contains(find, json, StringComparison.Ordinal);
        var error = Assert.Throws<AttestationFormatException>(() => QeIdentity.Parse(Encoding.UTF8.GetBytes(json.Replace(find, replace, StringComparison.Ordinal))));
        Assert.Equal(expected, error.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{")]
    [InlineData("{\"tcbInfo\":[],\"signature\":\"00\"}")]
    [InlineData("{\"signature\":\"00\"}")]
    [InlineData("{\"tcbInfo\":{\"version\":3}} trailing")]
    [InlineData("{\"tcbInfo\":{},\"tcbInfo\":{},\"signature\":\"00\"}")]
    public void Malformed_pcs_tcb_info_bodies_are_typed_errors(string body)
    {
        var responses = CollateralVectors.AutomataSgxResponses() with { TcbInfoBody = Encoding.UTF8.GetBytes(body) };
        Assert.Throws<AttestationFormatException>(() => QuoteCollateral.FromPcsResponses(responses));
    }

    [Theory]
    [InlineData("zz", AttestationFormatErrorReason.InvalidEncoding)]
    [InlineData("0011", AttestationFormatErrorReason.InvalidSignatureEncoding)]
    [InlineData("3006020101020101ff", AttestationFormatErrorReason.InvalidSignatureEncoding)]
    public void Malformed_signatures_are_typed_errors(string signature, AttestationFormatErrorReason expected)
    {
        var bundle = CollateralVectors.WithMember(CollateralVectors.PhalaBundleBytes("sgx_quote_collateral.json"), "qe_identity_signature", signature);
        Assert.Equal(expected, Assert.Throws<AttestationFormatException>(() => DcapQvlCollateralJson.Parse(bundle)).Reason);
    }

    [Theory]
    [InlineData("", AttestationFormatErrorReason.InvalidCrl)]
    [InlineData("hello", AttestationFormatErrorReason.InvalidCrl)]
    [InlineData("30020500", AttestationFormatErrorReason.InvalidCrl)]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", AttestationFormatErrorReason.InvalidPem)]
    public void Malformed_crls_are_typed_errors(string text, AttestationFormatErrorReason expected)
    {
        Assert.Equal(expected, Assert.Throws<AttestationFormatException>(() => RevocationList.Parse(Encoding.ASCII.GetBytes(text))).Reason);
    }

    [Fact]
    public void Truncated_der_crls_are_typed_errors()
    {
        var der = CollateralVectors.Automata("pck_platform_crl.der");
        for (var length = 0; length < der.Length; length += 37)
        {
            Assert.False(RevocationList.TryParse(der.AsSpan(0, length), out _, out var error));
            Assert.NotNull(error);
        }
    }

    [Theory]
    [InlineData("", AttestationFormatErrorReason.InvalidPem)]
    [InlineData("not pem", AttestationFormatErrorReason.InvalidPem)]
    [InlineData("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----", AttestationFormatErrorReason.InvalidPem)]
    [InlineData("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----", AttestationFormatErrorReason.InvalidCertificate)]
    [InlineData("-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----", AttestationFormatErrorReason.InvalidPem)]
    public void Malformed_chains_are_typed_errors(string text, AttestationFormatErrorReason expected)
    {
        Assert.Equal(expected, Assert.Throws<AttestationFormatException>(() => CertificateChain.Parse(text)).Reason);
    }

    [Fact]
    public void Chain_with_text_between_certificates_is_rejected()
    {
        var pem = CollateralVectors.AutomataText("tcb_signing_cert.pem");
        var second = pem.IndexOf("-----BEGIN CERTIFICATE-----", 1, StringComparison.Ordinal);
        Assert.Equal(AttestationFormatErrorReason.InvalidPem, Assert.Throws<AttestationFormatException>(() => CertificateChain.Parse(pem.Insert(second, "junk\n"))).Reason);
    }

    [Theory]
    [InlineData("tcb_info")]
    [InlineData("qe_identity_issuer_chain")]
    [InlineData("pck_crl")]
    public void Bundle_without_a_member_is_a_missing_field(string member)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(CollateralVectors.PhalaBundleBytes("sgx_quote_collateral.json"))!.AsObject();
        node.Remove(member);
        var error = Assert.Throws<AttestationFormatException>(() => DcapQvlCollateralJson.Parse(Encoding.UTF8.GetBytes(node.ToJsonString())));
        Assert.Equal(AttestationFormatErrorReason.MissingField, error.Reason);
    }

    [Fact]
    public void Every_truncation_of_a_bundle_is_a_typed_error()
    {
        var bundle = CollateralVectors.PhalaBundleBytes("tdx_quote_collateral.json");
        for (var length = 0; length < bundle.Length - 2; length += 53)
        {
            Assert.False(DcapQvlCollateralJson.TryParse(bundle.AsSpan(0, length), out _, out var error), $"length {length}");
            Assert.NotNull(error);
        }
    }

    [Theory]
    [InlineData("tcb_info")]
    [InlineData("qe_identity_signature")]
    [InlineData("pck_crl_issuer_chain")]
    public void Lone_surrogate_escapes_are_typed_errors(string member)
    {
        var bundle = Encoding.UTF8.GetString(CollateralVectors.PhalaBundleBytes("sgx_quote_collateral.json"));
        var start = bundle.IndexOf($"\"{member}\": \"", StringComparison.Ordinal) + member.Length + 5;
        var broken = bundle.Insert(start, "\\ud800");
        Assert.Throws<AttestationFormatException>(() => DcapQvlCollateralJson.Parse(Encoding.UTF8.GetBytes(broken)));
    }

    [Fact]
    public void Lone_surrogate_in_a_pcs_signature_is_a_typed_error()
    {
        var responses = CollateralVectors.AutomataSgxResponses() with { QeIdentityBody = Encoding.UTF8.GetBytes("{\"enclaveIdentity\":{},\"signature\":\"\\udc00\"}") };
        Assert.Throws<AttestationFormatException>(() => QuoteCollateral.FromPcsResponses(responses));
    }

    [Fact]
    public void Lone_surrogate_inside_signed_json_is_a_typed_error()
    {
        Assert.Equal(AttestationFormatErrorReason.InvalidEncoding, TcbInfoError(SgxTcbInfo().Replace("\"id\":\"SGX\"", "\"id\":\"\\ud800\"", StringComparison.Ordinal)));
        var qe = SgxQeIdentity().Replace("\"id\":\"QE\"", "\"id\":\"\\udc00\"", StringComparison.Ordinal);
        Assert.Equal(AttestationFormatErrorReason.InvalidEncoding, Assert.Throws<AttestationFormatException>(() => QeIdentity.Parse(Encoding.UTF8.GetBytes(qe))).Reason);
    }
}
