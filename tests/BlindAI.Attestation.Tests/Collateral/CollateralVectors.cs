using System.Text;

using BlindAI.Attestation.Collateral;
using BlindAI.Testing;

namespace BlindAI.Attestation.Tests.Collateral;

/// <summary>The real Intel collateral of tests/TestData/dcap and the instants its README states.</summary>
internal static class CollateralVectors
{
    /// <summary>phala sgx_quote: min(nextUpdate) − 1 s.</summary>
    public static readonly DateTimeOffset SgxNow = DateTimeOffset.FromUnixTimeSeconds(1752919277);

    public static readonly DateTimeOffset TdxNow = DateTimeOffset.FromUnixTimeSeconds(1752919234);

    public static readonly DateTimeOffset TdxOutdatedNow = DateTimeOffset.FromUnixTimeSeconds(1774003274);

    /// <summary>automata-dcap-rs PINNED_TIME.</summary>
    public static readonly DateTimeOffset AutomataNow = DateTimeOffset.FromUnixTimeSeconds(1739419232);

    public static byte[] PhalaBundleBytes(string name) => TestPaths.ReadTestData("dcap", "phala-dcap-qvl", name);

    public static QuoteCollateral SgxBundle() => DcapQvlCollateralJson.Parse(PhalaBundleBytes("sgx_quote_collateral.json"));

    public static QuoteCollateral TdxBundle() => DcapQvlCollateralJson.Parse(PhalaBundleBytes("tdx_quote_collateral.json"));

    public static QuoteCollateral TdxOutdatedBundle() => DcapQvlCollateralJson.Parse(PhalaBundleBytes("tdx_quote_outdated_collateral.json"));

    public static byte[] Automata(string name) => TestPaths.ReadTestData("dcap", "automata-dcap-rs", name);

    public static string AutomataText(string name) => Encoding.UTF8.GetString(Automata(name));

    /// <summary>The PCK Platform CA and root: the issuer chain of pck_platform_crl.der (from pck_certchain.pem without its leaf).</summary>
    public static string AutomataPckCrlIssuerChain()
    {
        var pem = AutomataText("pck_certchain.pem");
        var second = pem.IndexOf("-----BEGIN CERTIFICATE-----", 1, StringComparison.Ordinal);
        return pem[second..];
    }

    /// <summary>The automata raw PCS responses for SGX (TCB Info v2, QE Identity v2) with headers percent-encoded as PCS sends them.</summary>
    public static PcsCollateralResponses AutomataSgxResponses(string tcbInfo = "tcbinfov2.json", string qeIdentity = "qeidentityv2.json") => new()
    {
        TcbInfoBody = Automata(tcbInfo),
        TcbInfoIssuerChain = Uri.EscapeDataString(AutomataText("tcb_signing_cert.pem")),
        QeIdentityBody = Automata(qeIdentity),
        QeIdentityIssuerChain = Uri.EscapeDataString(AutomataText("tcb_signing_cert.pem")),
        PckCrl = Automata("pck_platform_crl.der"),
        PckCrlIssuerChain = Uri.EscapeDataString(AutomataPckCrlIssuerChain()),
        RootCaCrl = Automata("intel_root_ca_crl.der"),
    };

    public static PcsCollateralResponses AutomataTdxResponses() =>
        AutomataSgxResponses("tcbinfov3_00806f050000.json", "qeidentityv2_apiv4.json");

    /// <summary>The member of a dcap-qvl bundle, unescaped.</summary>
    public static string BundleMember(byte[] bundle, string name)
    {
        using var document = System.Text.Json.JsonDocument.Parse(bundle);
        return document.RootElement.GetProperty(name).GetString()!;
    }

    /// <summary>The bundle with one member replaced (the value is written as a JSON string).</summary>
    public static byte[] WithMember(byte[] bundle, string name, string value)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(bundle)!.AsObject();
        node[name] = value;
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }
}
