using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Enclave.Quoting;
using BlindAI.HardwareEmulator.Tests.Support;
using Microsoft.Extensions.Options;

namespace BlindAI.HardwareEmulator.Tests;

/// <summary>
/// The PCS API v4 look-alike, asked as Intel's PCS and PCCS are asked: routes, query parameters, status codes and the
/// issuer-chain headers (percent-encoded PEM, issuer first and root last: the form /work/shared/reference/dcap.md
/// records for api.trustedservices.intel.com and Intel's PCCS), over TLS trusted through the mounted <c>pcs-ca.pem</c>.
/// </summary>
public sealed class PcsLookAlikeTests : IDisposable
{
    private readonly EmulatorFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("sgx", "SGX", "QE")]
    [InlineData("tdx", "TDX", "TD_QE")]
    public async Task TCB_Info_and_QE_Identity_come_with_their_issuer_chain_headers_percent_encoded_as_Intel_sends_them(string tee, string tcbInfoId, string qeIdentityId)
    {
        await using HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount, pcsPort: 0);
        using HttpClient http = TrustingPcsCa(emulator);
        string fmspc = Fmspc(emulator);

        using HttpResponseMessage tcbInfo = await http.GetAsync(new Uri(emulator.PcsBaseAddress!, $"{tee}/certification/v4/tcb?fmspc={fmspc}"));
        using HttpResponseMessage qeIdentity = await http.GetAsync(new Uri(emulator.PcsBaseAddress!, $"{tee}/certification/v4/qe/identity"));

        Assert.Equal(HttpStatusCode.OK, tcbInfo.StatusCode);
        Assert.Equal("application/json", tcbInfo.Content.Headers.ContentType?.MediaType);
        using JsonDocument tcbJson = JsonDocument.Parse(await tcbInfo.Content.ReadAsStringAsync());
        Assert.Equal(tcbInfoId, tcbJson.RootElement.GetProperty("tcbInfo").GetProperty("id").GetString());
        Assert.Equal(fmspc, tcbJson.RootElement.GetProperty("tcbInfo").GetProperty("fmspc").GetString(), ignoreCase: true);
        Assert.Equal(128, tcbJson.RootElement.GetProperty("signature").GetString()!.Length);
        AssertChain(emulator, tcbInfo, "TCB-Info-Issuer-Chain", "CN=Intel SGX TCB Signing");

        Assert.Equal(HttpStatusCode.OK, qeIdentity.StatusCode);
        using JsonDocument qeJson = JsonDocument.Parse(await qeIdentity.Content.ReadAsStringAsync());
        Assert.Equal(qeIdentityId, qeJson.RootElement.GetProperty("enclaveIdentity").GetProperty("id").GetString());
        AssertChain(emulator, qeIdentity, "SGX-Enclave-Identity-Issuer-Chain", "CN=Intel SGX TCB Signing");
    }

    [Fact]
    public async Task The_PCK_CRL_is_PEM_by_default_and_DER_with_encoding_der_and_the_root_CRL_is_DER_at_Intels_path_and_hex_at_the_PCCS_route()
    {
        await using HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount, pcsPort: 0);
        using HttpClient http = TrustingPcsCa(emulator);

        using HttpResponseMessage pem = await http.GetAsync(new Uri(emulator.PcsBaseAddress!, "sgx/certification/v4/pckcrl?ca=platform"));
        using HttpResponseMessage der = await http.GetAsync(new Uri(emulator.PcsBaseAddress!, "sgx/certification/v4/pckcrl?ca=platform&encoding=der"));
        byte[] rootDer = await http.GetByteArrayAsync(new Uri(emulator.PcsBaseAddress!, "IntelSGXRootCA.der"));
        string rootHex = await http.GetStringAsync(new Uri(emulator.PcsBaseAddress!, "sgx/certification/v4/rootcacrl"));

        string pemText = await pem.Content.ReadAsStringAsync();
        byte[] derBytes = await der.Content.ReadAsByteArrayAsync();
        Assert.StartsWith("-----BEGIN X509 CRL-----", pemText, StringComparison.Ordinal);
        Assert.Equal(derBytes, Convert.FromBase64String(string.Concat(pemText.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)))));
        Assert.Equal("application/pkix-crl", der.Content.Headers.ContentType?.MediaType);
        AssertChain(emulator, der, "SGX-PCK-CRL-Issuer-Chain", "CN=Intel SGX PCK Platform CA");
        Assert.Contains("Intel SGX PCK Platform CA", RevocationList.Parse(derBytes).Issuer.Name, StringComparison.Ordinal);
        Assert.Equal(rootDer, Convert.FromHexString(rootHex));
        Assert.Contains("BlindAI Simulation Root CA", RevocationList.Parse(rootDer).Issuer.Name, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sgx/certification/v4/tcb?fmspc=00906ed50000", HttpStatusCode.NotFound)] // another platform's FMSPC
    [InlineData("tdx/certification/v4/tcb?fmspc=00806f050000", HttpStatusCode.NotFound)]
    [InlineData("sgx/certification/v4/tcb?fmspc=xyz", HttpStatusCode.BadRequest)]
    [InlineData("sgx/certification/v4/tcb", HttpStatusCode.BadRequest)]
    [InlineData("sgx/certification/v4/qe/identity?update=sometimes", HttpStatusCode.BadRequest)]
    [InlineData("sgx/certification/v4/pckcrl", HttpStatusCode.BadRequest)]
    [InlineData("sgx/certification/v4/pckcrl?ca=elsewhere", HttpStatusCode.BadRequest)]
    [InlineData("sgx/certification/v4/pckcrl?ca=platform&encoding=base64", HttpStatusCode.BadRequest)]
    [InlineData("sgx/certification/v4/pckcrl?ca=processor", HttpStatusCode.NotFound)] // the simulated PKI has no processor CA
    [InlineData("sgx/certification/v4/qve/identity", HttpStatusCode.NotFound)] // not served (no QvE)
    [InlineData("sgx/certification/v4/pckcert", HttpStatusCode.NotFound)] // not served (quotes carry their PCK chain)
    public async Task Requests_PCS_would_not_answer_with_collateral_get_its_status_codes(string pathAndQuery, HttpStatusCode expected)
    {
        await using HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount, pcsPort: 0);
        using HttpClient http = TrustingPcsCa(emulator);

        using HttpResponseMessage response = await http.GetAsync(new Uri(emulator.PcsBaseAddress!, pathAndQuery));

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task The_Intel_PCS_provider_pointed_at_the_look_alike_with_pcs_ca_pem_as_only_root_fetches_collateral_that_verifies()
    {
        await using HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount, pcsPort: 0);
        using var provider = new GramineQuoteProvider(new GramineQuoteProviderOptions { AttestationRoot = emulator.ProviderRoot });
        Quote quote = Quote.Parse(await provider.GetQuoteAsync(Attester.ReportData(5), CancellationToken.None));
        using HttpClient http = TrustingPcsCa(emulator);
        var pcs = new IntelPcsCollateralProvider(http, Options.Create(new IntelPcsOptions
        {
            BaseAddress = emulator.PcsBaseAddress!,
            RootCaCrlAddress = new Uri(emulator.PcsBaseAddress!, "IntelSGXRootCA.der"),
        }));

        QuoteCollateral collateral = await pcs.GetCollateralAsync(Attester.RequestFor(quote));

        Assert.Equal(TcbStatus.UpToDate, Attester.Verifier(emulator).Verify(quote, collateral).TcbStatus);
    }

    [Fact]
    public async Task A_client_that_trusts_neither_the_pin_nor_pcs_ca_pem_cannot_connect()
    {
        await using HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount, pcsPort: 0);
        var pccs = new PccsCollateralProvider(new HttpClient(), Options.Create(new PccsOptions { BaseAddress = emulator.PcsBaseAddress }));

        var e = await Assert.ThrowsAsync<AttestationException>(() => pccs.GetCollateralAsync(new CollateralRequest(TeeType.Sgx, emulator.Fmspc.Span, BlindAI.Attestation.Pck.PckCaType.Platform)));

        Assert.Equal(AttestationFailureReason.EvidenceMissing, e.Reason);
    }

    [Fact]
    public async Task The_TLS_certificate_in_pcs_ca_pem_is_the_same_after_a_restart_so_a_pin_stays_valid()
    {
        string first;
        await using (HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount, pcsPort: 0))
        {
            first = await File.ReadAllTextAsync(emulator.PcsCaPath!);
        }

        await using HardwareEmulator restarted = await HardwareEmulator.StartTdxAsync(_folder.Mount, pcsPort: 0);
        Assert.Equal(first, await File.ReadAllTextAsync(restarted.PcsCaPath!));
        using var served = X509Certificate2.CreateFromPem(first);
        Assert.Equal(served.RawData, restarted.PcsCertificate!.RawData);
    }

    /// <summary>An HTTP client whose only trusted root is the certificate in the mounted <c>pcs-ca.pem</c>.</summary>
    private static HttpClient TrustingPcsCa(HardwareEmulator emulator)
    {
        X509Certificate2 ca = X509Certificate2.CreateFromPem(File.ReadAllText(emulator.PcsCaPath!));
        var handler = new SocketsHttpHandler();
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            CustomTrustStore = { ca },
        };
        return new HttpClient(handler);
    }

    private static string Fmspc(HardwareEmulator emulator) => Convert.ToHexStringLower(emulator.Fmspc.Span);

    /// <summary>The header is percent-encoded PEM: the issuer named, then the simulation root.</summary>
    private static void AssertChain(HardwareEmulator emulator, HttpResponseMessage response, string header, string issuerCommonName)
    {
        string encoded = string.Concat(response.Headers.GetValues(header));
        Assert.DoesNotContain("\n", encoded, StringComparison.Ordinal);
        Assert.Contains("-----BEGIN%20CERTIFICATE-----%0A", encoded, StringComparison.Ordinal);
        string pem = Uri.UnescapeDataString(encoded);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(pem);
        Assert.Equal(2, chain.Count);
        Assert.StartsWith(issuerCommonName, chain[0].Subject, StringComparison.Ordinal);
        Assert.Equal(emulator.SimulationRoot.RawData, chain[1].RawData);
    }
}
