using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using BlindAI.Attestation;
using BlindAI.Enclave.Simulation;
using BlindAI.Testing;
using Microsoft.Extensions.Time.Testing;

namespace BlindAI.Enclave.Tests.Simulation;

public sealed class SimulatedCollateralTests : IClassFixture<SimulatedPlatformFixture>
{
    private readonly SimulatedTeePlatform _platform;

    public SimulatedCollateralTests(SimulatedPlatformFixture fixture) => _platform = fixture.Platform;

    private static JsonElement RealCollateral(string name) =>
        JsonDocument.Parse(TestPaths.ReadTestData("dcap", "phala-dcap-qvl", name)).RootElement;

    private static List<string> PropertyNames(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToList();

    [Theory]
    [InlineData(false, "sgx_quote_collateral.json")]
    [InlineData(true, "tdx_quote_collateral.json")]
    public void Bundle_has_the_dcap_qvl_shape_of_the_real_collateral(bool tdx, string realFile)
    {
        JsonElement real = RealCollateral(realFile);
        JsonElement ours = JsonDocument.Parse(_platform.CreateCollateral(new SimulatedCollateralOptions { Tdx = tdx }).ToDcapQvlJson()).RootElement;
        Assert.Equal(PropertyNames(real), PropertyNames(ours));

        JsonElement realTcb = JsonDocument.Parse(real.GetProperty("tcb_info").GetString()!).RootElement;
        JsonElement ourTcb = JsonDocument.Parse(ours.GetProperty("tcb_info").GetString()!).RootElement;
        Assert.Equal(PropertyNames(realTcb), PropertyNames(ourTcb));
        Assert.Equal(PropertyNames(realTcb.GetProperty("tcbLevels")[0].GetProperty("tcb")), PropertyNames(ourTcb.GetProperty("tcbLevels")[0].GetProperty("tcb")));

        JsonElement realQe = JsonDocument.Parse(real.GetProperty("qe_identity").GetString()!).RootElement;
        JsonElement ourQe = JsonDocument.Parse(ours.GetProperty("qe_identity").GetString()!).RootElement;
        Assert.Equal(PropertyNames(realQe), PropertyNames(ourQe));
        Assert.Equal(realQe.GetProperty("id").GetString(), ourQe.GetProperty("id").GetString());
        Assert.Equal(realTcb.GetProperty("id").GetString(), ourTcb.GetProperty("id").GetString());
        if (tdx)
        {
            Assert.Equal(PropertyNames(realTcb.GetProperty("tdxModule")), PropertyNames(ourTcb.GetProperty("tdxModule")));
            Assert.Equal("TDX_01", ourTcb.GetProperty("tdxModuleIdentities")[0].GetProperty("id").GetString());
        }
    }

    [Fact]
    public void Signatures_are_raw_r_s_over_the_exact_json_bytes_by_the_tcb_signing_key()
    {
        SimulatedCollateral collateral = _platform.CreateCollateral();
        using ECDsa key = _platform.TcbSigningCertificate.GetECDsaPublicKey()!;
        Assert.Equal(64, collateral.TcbInfoSignature.Length);
        Assert.True(key.VerifyData(Encoding.UTF8.GetBytes(collateral.TcbInfo), collateral.TcbInfoSignature.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.True(key.VerifyData(Encoding.UTF8.GetBytes(collateral.QeIdentity), collateral.QeIdentitySignature.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

        // The bundle and PCS shapes embed the same bytes.
        JsonElement bundle = JsonDocument.Parse(collateral.ToDcapQvlJson()).RootElement;
        Assert.Equal(collateral.TcbInfo, bundle.GetProperty("tcb_info").GetString());
        Assert.Equal(Convert.ToHexStringLower(collateral.TcbInfoSignature.Span), bundle.GetProperty("tcb_info_signature").GetString());
        Assert.Equal(Convert.ToHexStringLower(collateral.RootCaCrl.Span), bundle.GetProperty("root_ca_crl").GetString());
        string pcs = collateral.ToPcsTcbInfoResponse();
        Assert.StartsWith("{\"tcbInfo\":" + collateral.TcbInfo + ",\"signature\":\"", pcs, StringComparison.Ordinal);
        Assert.Equal(collateral.QeIdentity, JsonDocument.Parse(collateral.ToPcsQeIdentityResponse()).RootElement.GetProperty("enclaveIdentity").GetRawText());
    }

    [Fact]
    public void Issuer_chains_are_intermediate_then_root()
    {
        SimulatedCollateral collateral = _platform.CreateCollateral();
        X509Certificate2Collection tcbChain = [];
        tcbChain.ImportFromPem(collateral.TcbInfoIssuerChain);
        Assert.Equal([_platform.TcbSigningCertificate.RawData, _platform.RootCertificate.RawData], tcbChain.Select(c => c.RawData));
        X509Certificate2Collection crlChain = [];
        crlChain.ImportFromPem(collateral.PckCrlIssuerChain);
        Assert.Equal([_platform.PckPlatformCaCertificate.RawData, _platform.RootCertificate.RawData], crlChain.Select(c => c.RawData));
    }

    [Fact]
    public void Default_tcb_level_matches_the_platform_and_carries_the_chosen_status_and_advisories()
    {
        SimulatedCollateral collateral = _platform.CreateCollateral(new SimulatedCollateralOptions
        {
            PlatformTcbStatus = TcbStatus.ConfigurationAndSWHardeningNeeded,
            PlatformAdvisoryIds = ["INTEL-SA-00289", "INTEL-SA-00615"],
            QeTcbStatus = TcbStatus.OutOfDate,
        });
        JsonElement tcbInfo = JsonDocument.Parse(collateral.TcbInfo).RootElement;
        JsonElement level = tcbInfo.GetProperty("tcbLevels")[0];
        Assert.Equal("ConfigurationAndSWHardeningNeeded", level.GetProperty("tcbStatus").GetString());
        Assert.Equal(["INTEL-SA-00289", "INTEL-SA-00615"], level.GetProperty("advisoryIDs").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(_platform.Options.Platform.SgxTcbComponents.ToArray(), level.GetProperty("tcb").GetProperty("sgxtcbcomponents").EnumerateArray().Select(c => (byte)c.GetProperty("svn").GetInt32()));
        Assert.Equal(_platform.Options.Platform.PceSvn, level.GetProperty("tcb").GetProperty("pcesvn").GetInt32());
        Assert.Equal(Convert.ToHexString(_platform.Options.Platform.Fmspc.Span), tcbInfo.GetProperty("fmspc").GetString());

        JsonElement qe = JsonDocument.Parse(collateral.QeIdentity).RootElement;
        Assert.Equal("OutOfDate", qe.GetProperty("tcbLevels")[0].GetProperty("tcbStatus").GetString());
        Assert.Equal(Convert.ToHexString(_platform.Options.QuotingEnclave.MrSigner.Span), qe.GetProperty("mrsigner").GetString());
        Assert.Equal("11000000000000000000000000000000", qe.GetProperty("attributes").GetString());
    }

    [Fact]
    public void Dates_come_from_the_time_provider_and_can_be_set_per_document()
    {
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        using SimulatedTeePlatform platform = SimulatedTeePlatform.Create(timeProvider: new FakeTimeProvider(now));
        SimulatedCollateral collateral = platform.CreateCollateral(new SimulatedCollateralOptions
        {
            QeIdentityValidity = new SimulatedValidity(now.AddDays(-60), now.AddDays(-30)),
        });
        JsonElement tcbInfo = JsonDocument.Parse(collateral.TcbInfo).RootElement;
        Assert.Equal("2026-01-01T03:04:05Z", tcbInfo.GetProperty("issueDate").GetString());
        Assert.Equal("2026-02-01T03:04:05Z", tcbInfo.GetProperty("nextUpdate").GetString());
        Assert.Equal("2025-12-03T03:04:05Z", JsonDocument.Parse(collateral.QeIdentity).RootElement.GetProperty("nextUpdate").GetString());
        Assert.Equal(now.AddDays(-1), platform.RootCertificate.NotBefore.ToUniversalTime());
    }

    [Fact]
    public void Wrong_fmspc_and_qe_identity_can_be_produced()
    {
        SimulatedCollateral collateral = _platform.CreateCollateral(new SimulatedCollateralOptions
        {
            TcbInfoFmspc = new byte[] { 1, 2, 3, 4, 5, 6 },
            QeIdentityMrSigner = new byte[32],
        });
        Assert.Equal("010203040506", JsonDocument.Parse(collateral.TcbInfo).RootElement.GetProperty("fmspc").GetString());
        Assert.Equal(new string('0', 64), JsonDocument.Parse(collateral.QeIdentity).RootElement.GetProperty("mrsigner").GetString());
    }
}
