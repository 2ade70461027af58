using System.Text;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Pck;

namespace BlindAI.Fuzzing.Harnesses;

/// <summary>
/// Collateral parsing. The first input byte picks the parser (modulo <see cref="Targets"/>), the rest is its input:
/// 0 TCB Info JSON, 1 QE Identity JSON, 2 CRL DER, 3 PEM certificate chain, 4 PCK certificate chain (PEM, with the
/// SGX extensions), 5 dcap-qvl collateral bundle JSON.
/// </summary>
internal sealed class CollateralHarness : IHarness
{
    private const int Targets = 6;

    public string Name => "collateral";

    public void Initialize()
    {
    }

    public void Execute(ReadOnlyMemory<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        ReadOnlySpan<byte> body = input.Span[1..];
        try
        {
            switch (input.Span[0] % Targets)
            {
                case 0:
                    Agree(TcbInfo.TryParse(body, out _, out _), () => TcbInfo.Parse(input.Span[1..]));
                    break;
                case 1:
                    Agree(QeIdentity.TryParse(body, out _, out _), () => QeIdentity.Parse(input.Span[1..]));
                    break;
                case 2:
                    Agree(RevocationList.TryParse(body, out _, out _), () => RevocationList.Parse(input.Span[1..]));
                    break;
                case 3:
                    CertificateChain chain = CertificateChain.Parse(body);
                    _ = chain.Certificates.Length;
                    break;
                case 4:
                    PckCertificateChain pck = PckCertificateChain.Parse(Encoding.UTF8.GetString(body));
                    _ = pck.Extensions.Tcb;
                    _ = pck.Root.Thumbprint;
                    break;
                default:
                    Agree(DcapQvlCollateralJson.TryParse(body, out _, out _), () => DcapQvlCollateralJson.Parse(input.Span[1..]));
                    break;
            }
        }
        catch (AttestationFormatException)
        {
        }
    }

    public IEnumerable<(string Name, byte[] Data)> Seeds(string testData)
    {
        string[] automata = ["dcap", "automata-dcap-rs"];
        string[] phala = ["dcap", "phala-dcap-qvl"];
        foreach (string file in new[] { "tcbinfov2.json", "tcbinfov3_00806f050000.json", "tcb_info_v3_tdx_0.json" })
        {
            yield return ("tcbinfo_" + file, Tagged(0, SeedFiles.RawProperty(SeedFiles.Read(testData, [.. automata, file]), "tcbInfo")));
        }

        foreach (string file in new[] { "qeidentityv2.json", "qeidentityv2_apiv4.json" })
        {
            yield return ("qeidentity_" + file, Tagged(1, SeedFiles.RawProperty(SeedFiles.Read(testData, [.. automata, file]), "enclaveIdentity")));
        }

        foreach (string bundle in new[] { "sgx_quote_collateral.json", "tdx_quote_collateral.json" })
        {
            byte[] json = SeedFiles.Read(testData, [.. phala, bundle]);
            yield return ("tcbinfo_" + bundle, Tagged(0, Encoding.UTF8.GetBytes(SeedFiles.StringProperty(json, "tcb_info"))));
            yield return ("qeidentity_" + bundle, Tagged(1, Encoding.UTF8.GetBytes(SeedFiles.StringProperty(json, "qe_identity"))));
            yield return ("bundle_" + bundle, Tagged(5, json));
        }

        yield return ("crl_pck_platform", Tagged(2, SeedFiles.Read(testData, [.. automata, "pck_platform_crl.der"])));
        yield return ("crl_root", Tagged(2, SeedFiles.Read(testData, [.. automata, "intel_root_ca_crl.der"])));
        yield return ("chain_tcb_signing", Tagged(3, SeedFiles.Read(testData, [.. automata, "tcb_signing_cert.pem"])));
        yield return ("chain_root", Tagged(3, SeedFiles.Read(testData, [.. automata, "Intel_SGX_Provisioning_Certification_RootCA.pem"])));
        yield return ("pck_chain", Tagged(4, SeedFiles.Read(testData, [.. automata, "pck_certchain.pem"])));
    }

    private static byte[] Tagged(byte target, byte[] body) => [target, .. body];

    /// <summary>Runs the throwing parser; its verdict must match the Try twin's.</summary>
    private static void Agree(bool tried, Action parse)
    {
        bool parsed;
        try
        {
            parse();
            parsed = true;
        }
        catch (AttestationFormatException)
        {
            parsed = false;
        }

        if (parsed != tried)
        {
            throw new InvalidOperationException($"TryParse said {tried} but Parse said {parsed}.");
        }
    }
}
