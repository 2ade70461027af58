using System.Net;
using System.Runtime.Versioning;
using BlindAI.Attestation;
using BlindAI.Attestation.Policy;
using BlindAI.Client;
using BlindAI.Client.Attestation;
using BlindAI.Client.Models;
using BlindAI.HardwareEmulator;
using BlindAI.Protocol.Tensors;
using BlindAI.SampleHost;
using BlindAI.Server;
using BlindAI.Server.Hosting;
using BlindAI.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlindAI.Security.Tests;

/// <summary>
/// The production host serves collateral, or does not start. Before issue #13 its <c>CollateralSource</c> defaulted to
/// <c>None</c> and neither the manifest's fixed argv nor any switch could change it: <c>/collateral</c> answered 503 and
/// no client with default options could attest it. Now <c>--pccs-url</c> (with <c>--pccs-ca-file</c> pinning the
/// PCCS's TLS certificate) or <c>--intel-pcs</c> selects the source; none, or two, stops the host. The production path
/// runs here against the hardware emulator (FUSE <c>/dev/attestation</c> and its PCS look-alike): no <c>--simulation</c>.
/// </summary>
[Trait("Category", "Security")]
[SupportedOSPlatform("linux")]
public sealed class ProductionCollateralTests
{
    [Fact]
    public void Without_a_collateral_source_a_production_host_refuses_to_start_naming_the_switches_to_add()
    {
        string data = Directory.CreateTempSubdirectory("blindai-no-collateral-").FullName;
        try
        {
            var refused = Assert.Throws<OptionsValidationException>(() => Build(["--data-dir", data]));

            string failure = Assert.Single(refused.Failures, f => f.StartsWith("No collateral source", StringComparison.Ordinal));
            Assert.Contains("--pccs-url", failure, StringComparison.Ordinal);
            Assert.Contains("--intel-pcs", failure, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "--pccs-url", "https://pccs.invalid/", "--intel-pcs" }, "'--pccs-url' and '--intel-pcs' each name a collateral source")]
    [InlineData(new[] { "--intel-pcs", "--pccs-url", "https://pccs.invalid/" }, "'--intel-pcs' and '--pccs-url' each name a collateral source")]
    [InlineData(new[] { "--BlindAI:CollateralSource", "IntelPcs", "--pccs-url", "https://pccs.invalid/" }, "'BlindAI:CollateralSource' is given more than once")]
    [InlineData(new[] { "--intel-pcs=false" }, "'--intel-pcs' takes no value")]
    [InlineData(new[] { "--intel-pcs", "--pccs-ca-file", "/etc/blindai/pccs-ca.pem" }, "PccsCaFile applies only with CollateralSource Pccs")]
    public void Two_collateral_sources_or_a_PCCS_file_without_a_PCCS_stop_the_host(string[] arguments, string failure)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Build(arguments));

        Assert.Contains(refused.Failures, f => f.Contains(failure, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_production_host_on_the_emulated_Gramine_boundary_serves_PCCS_collateral_that_our_default_client_verifies()
    {
        using var folder = new EmulatorFolder("attestation");
        await using HardwareEmulator.HardwareEmulator emulator = await HardwareEmulator.HardwareEmulator.StartGramineAsync(folder.Mount, pcsPort: 0);
        await using EmulatedHost host = await EmulatedHost.StartAsync(
            folder.Data, "--attestation-root", emulator.ProviderRoot, "--pccs-url", emulator.PcsBaseAddress!.ToString(), "--pccs-ca-file", emulator.PcsCaPath!);

        using HttpResponseMessage collateral = await host.Untrusted.GetAsync("/collateral");
        Assert.Equal(HttpStatusCode.OK, collateral.StatusCode);

        // Default collateral resolution (the host's /collateral), the emulator's root named, its MRENCLAVE pinned.
        await using BlindAIClient client = await BlindAIClient.ConnectAsync(host.ClientOptions(AttestationPolicy.Strict.RequireMrEnclave(Measurement.FromBytes(emulator.MrEnclave.Span)), emulator.SimulationRootPath));
        UploadedModel model = await client.UploadModelAsync(ModelSource.FromBytes(TestModels.Subtract()));
        Tensor[] inputs = [Tensor.Create<float>([5, 5, 5, 5, 5, 5], [2, 3], "A"), Tensor.Create<float>([1, 2, 3, 4, 5, 6], [2, 3], "B")];
        Assert.Equal(new[] { 4f, 3f, 2f, 1f, 0f, -1f }, (await client.RunModelAsync(model.Id, inputs))[0].ToArray<float>());
        await client.DeleteModelAsync(model.Id);
    }

    [Fact]
    public async Task A_PCCS_whose_TLS_certificate_does_not_chain_to_the_pinned_CA_file_gives_no_collateral()
    {
        using var folder = new EmulatorFolder("attestation");
        await using HardwareEmulator.HardwareEmulator emulator = await HardwareEmulator.HardwareEmulator.StartGramineAsync(folder.Mount, pcsPort: 0);

        // Another CA than the one that issued the PCCS's certificate (the simulation root is a real CA certificate).
        await using EmulatedHost host = await EmulatedHost.StartAsync(
            folder.Data, "--attestation-root", emulator.ProviderRoot, "--pccs-url", emulator.PcsBaseAddress!.ToString(), "--pccs-ca-file", emulator.SimulationRootPath);

        using HttpResponseMessage collateral = await host.Untrusted.GetAsync("/collateral");
        Assert.False(collateral.IsSuccessStatusCode, $"/collateral answered {collateral.StatusCode} through a PCCS whose certificate is not pinned.");
        Assert.Contains(host.Logs, line => line.Contains("RemoteCertificateChainErrors", StringComparison.Ordinal) || line.Contains("SSL connection could not be established", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_PCCS_API_key_file_is_read_at_start_and_its_key_never_logged()
    {
        using var folder = new EmulatorFolder("attestation");
        const string ApiKey = "pccs-api-key-never-logged-3c9e1f7a2b";
        string keyFile = Path.Combine(folder.Root, "pccs-api-key");
        await File.WriteAllTextAsync(keyFile, ApiKey + "\n");
        await using HardwareEmulator.HardwareEmulator emulator = await HardwareEmulator.HardwareEmulator.StartGramineAsync(folder.Mount, pcsPort: 0);
        string[] arguments = ["--attestation-root", emulator.ProviderRoot, "--pccs-url", emulator.PcsBaseAddress!.ToString(), "--pccs-ca-file", emulator.PcsCaPath!, "--pccs-api-key-file", keyFile];

        await using (EmulatedHost host = await EmulatedHost.StartAsync(folder.Data, arguments))
        {
            using HttpResponseMessage collateral = await host.Untrusted.GetAsync("/collateral");
            Assert.Equal(HttpStatusCode.OK, collateral.StatusCode);
            Assert.DoesNotContain(host.Logs, line => line.Contains(ApiKey, StringComparison.Ordinal));
        }

        // Read at start: an empty key file stops the host before any port opens, naming the file and not its content.
        await File.WriteAllTextAsync(keyFile, "\n" + ApiKey + "\n");
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(async () => { await using EmulatedHost host = await EmulatedHost.StartAsync(folder.Data, arguments); });
        Assert.Contains(refused.Failures, f => f.Contains(keyFile, StringComparison.Ordinal) && f.Contains("empty first line", StringComparison.Ordinal));
        Assert.DoesNotContain(refused.Failures, f => f.Contains(ApiKey, StringComparison.Ordinal));
    }

    private static WebApplication Build(string[] arguments) =>
        SampleHostApplication.Build(arguments, builder => builder.Logging.ClearProviders());
}
