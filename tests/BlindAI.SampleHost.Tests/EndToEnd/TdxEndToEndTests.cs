using System.Runtime.Versioning;
using BlindAI.Attestation;
using BlindAI.Attestation.Policy;
using BlindAI.Client;
using BlindAI.Client.Attestation;
using BlindAI.Client.Models;
using BlindAI.Enclave.Simulation;
using BlindAI.Protocol.Tensors;
using BlindAI.SampleHost;
using BlindAI.Server;
using BlindAI.Server.Hosting;
using BlindAI.Testing;
using Microsoft.Extensions.Logging;
using Emulator = BlindAI.HardwareEmulator.HardwareEmulator;

namespace BlindAI.SampleHost.Tests.EndToEnd;

/// <summary>
/// TDX end to end (issue #13, item 5): the host as a TDX trust domain, in simulation (<c>--simulation tdx</c>: TDX v4
/// quotes and TDX collateral from the simulated platform) and on the production path (configfs-tsm through the
/// hardware emulator's TSM tree, collateral from its PCS look-alike as the PCCS), each attested by our client with a
/// policy pinning MRTD and the four RTMRs, then upload, run and delete.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class TdxEndToEndTests
{
    [Fact]
    public async Task Simulation_tdx_serves_TDX_quotes_and_collateral_to_a_client_pinning_MRTD_and_the_RTMRs()
    {
        using var folder = new EmulatorFolder("tsm");
        await using EmulatedHost host = await EmulatedHost.StartAsync(folder.Data, "--simulation", "tdx");

        await RoundTripAsync(host, new SimulatedTdIdentity(), Path.Combine(folder.Data, "simulation-root.pem"));
    }

    [Fact]
    public async Task The_production_path_on_the_emulated_configfs_tsm_attests_as_a_TDX_trust_domain()
    {
        using var folder = new EmulatorFolder("tsm");
        await using Emulator emulator = await Emulator.StartTdxAsync(folder.Mount, pcsPort: 0);
        await using EmulatedHost host = await EmulatedHost.StartAsync(
            folder.Data,
            "--attestation-root", Path.Combine(folder.Root, "no-gramine-here"),
            "--tsm-root", emulator.ProviderRoot,
            "--pccs-url", emulator.PcsBaseAddress!.ToString(),
            "--pccs-ca-file", emulator.PcsCaPath!);

        // The emulator's trust domain: its MRTD, and the simulated TD's RTMRs (the emulator only changes MRTD).
        await RoundTripAsync(host, new SimulatedTdIdentity { MrTd = emulator.MrTd }, emulator.SimulationRootPath);
    }

    [Fact]
    public async Task A_client_pinning_another_RTMR_refuses_the_simulated_trust_domain()
    {
        // The control for the tests above: the RTMR pins are checked, not merely accepted.
        using var folder = new EmulatorFolder("tsm");
        await using EmulatedHost host = await EmulatedHost.StartAsync(folder.Data, "--simulation", "tdx");
        var identity = new SimulatedTdIdentity();
        BlindAIClientOptions options = host.ClientOptions(Pinning(identity).RequireRtmr(3, Measurement.FromBytes(new byte[48].Select((_, i) => (byte)i).ToArray())), Path.Combine(folder.Data, "simulation-root.pem"));

        var refused = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync(options));

        Assert.Equal(AttestationFailureReason.PolicyViolation, refused.Reason);
    }

    [Theory]
    [InlineData(new[] { "--BlindAI:SimulationTee", "Tdx", "--intel-pcs" }, "SimulationTee Tdx applies only with --simulation")]
    [InlineData(new[] { "--simulation", "tdx", "--BlindAI:SimulationTee", "Sgx" }, "'BlindAI:SimulationTee' is given more than once")]
    [InlineData(new[] { "--simulation", "1" }, "Argument 2 is a value without a switch")]
    [InlineData(new[] { "--simulation=tdx2" }, "takes no value, or true or false, or sgx or tdx")]
    public void A_simulated_TEE_without_simulation_or_named_twice_or_unknown_stops_the_host(string[] arguments, string failure)
    {
        var refused = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => SampleHostApplication.Build(arguments, builder => builder.Logging.ClearProviders()));

        Assert.Contains(refused.Failures, f => f.Contains(failure, StringComparison.Ordinal));
    }

    private static AttestationPolicy Pinning(SimulatedTdIdentity identity)
    {
        AttestationPolicy policy = AttestationPolicy.Strict.RequireMrTd(Measurement.FromBytes(identity.MrTd.Span));
        for (int index = 0; index < identity.Rtmrs.Count; index++)
        {
            policy = policy.RequireRtmr(index, Measurement.FromBytes(identity.Rtmrs[index].Span));
        }

        return policy;
    }

    private static async Task RoundTripAsync(EmulatedHost host, SimulatedTdIdentity identity, string simulationRoot)
    {
        await using BlindAIClient client = await BlindAIClient.ConnectAsync(host.ClientOptions(Pinning(identity), simulationRoot));
        Assert.Equal(BlindAI.Attestation.Quotes.TeeType.Tdx, client.Attestation.Quote.TeeType);
        UploadedModel model = await client.UploadModelAsync(ModelSource.FromBytes(TestModels.Subtract()));
        Tensor[] inputs = [Tensor.Create<float>([5, 5, 5, 5, 5, 5], [2, 3], "A"), Tensor.Create<float>([1, 2, 3, 4, 5, 6], [2, 3], "B")];
        Assert.Equal(new[] { 4f, 3f, 2f, 1f, 0f, -1f }, (await client.RunModelAsync(model.Id, inputs))[0].ToArray<float>());
        await client.DeleteModelAsync(model.Id);
    }
}
