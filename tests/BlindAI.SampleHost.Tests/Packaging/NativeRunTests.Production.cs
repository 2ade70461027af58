using BlindAI.Attestation;
using BlindAI.Attestation.Policy;
using BlindAI.Client;
using BlindAI.Client.Attestation;
using BlindAI.Client.Models;
using BlindAI.Protocol.Tensors;
using BlindAI.Testing;
using Emulator = BlindAI.HardwareEmulator.HardwareEmulator;

namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>
/// The production start-up test (issue #13): the host published as the Makefile publishes it, started with exactly the
/// <c>loader.argv</c> and <c>loader.env</c> of the real manifest template (rendered by Jinja2 with the Makefile's
/// defines, read by tomllib), against the hardware emulator. The only differences from an enclave are who signs the
/// quote (the emulator's simulated Intel PKI) and the paths and ports: the emulator's <c>/dev/attestation</c>
/// (<c>--attestation-root</c>), its PCS look-alike as the PCCS (<c>PCCS_URL</c>, <c>PCCS_CA_FILE</c> at make time),
/// the data folder behind <c>/data</c>. No <c>--simulation</c> anywhere: the host runs Gramine's quote provider over the
/// FUSE files, Gramine's 16-byte sealing key, and PCCS collateral over HTTPS pinned to <c>pcs-ca.pem</c>.
/// </summary>
public sealed partial class NativeRunTests
{
    [Fact]
    public async Task Production_path_as_Gramine_starts_the_host_attests_runs_Silero_VAD_restores_the_sealed_model_after_a_restart_and_deletes()
    {
        using var sandbox = new Sandbox();
        await using Emulator emulator = await Emulator.StartGramineAsync(Path.Combine(sandbox.Root, "attestation"), pcsPort: 0);
        const string Token = "production-start-up-management-token-51c8e2a7";
        var tokenFile = Path.Combine(sandbox.Root, "management-token");
        await File.WriteAllTextAsync(tokenFile, Token + "\n");
        string[] makeVariables = ["PCCS_URL=" + emulator.PcsBaseAddress, "PCCS_CA_FILE=" + emulator.PcsCaPath, "MANAGEMENT_TOKEN_FILE=" + tokenFile];

        // What `make` checks before it renders: these variables are a valid production configuration.
        var checkConfig = await ExternalCommand.RunAsync("make", ["-s", "--no-print-directory", "check-config", .. makeVariables], GramineFolder.Root, TimeSpan.FromSeconds(30));
        Assert.True(checkConfig.ExitCode == 0, checkConfig.ToString());
        var manifest = await RenderWithFreePortsAsync(makeVariables);
        var argv = manifest.Strings("loader.argv");
        Assert.DoesNotContain(argv, argument => argument.StartsWith("--simulation", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(emulator.PcsBaseAddress!.ToString(), OptionValue(manifest, "--pccs-url"));
        Assert.Equal(emulator.PcsCaPath, sandbox.FileSystem(manifest).ToHostPath(OptionValue(manifest, "--pccs-ca-file")));
        Assert.True(sandbox.FileSystem(manifest).IsTrusted(emulator.PcsCaPath!), "The pinned PCCS CA file is not a trusted (measured) file.");

        // The emulator's /dev/attestation: the one argument an enclave would not need.
        string[] emulatorPaths = ["--attestation-root", emulator.ProviderRoot];
        var environment = EnclaveEnvironment(manifest, sandbox);
        var options = new BlindAIClientOptions
        {
            Server = new Uri("http://127.0.0.1"),
            UntrustedPort = int.Parse(OptionValue(manifest, "--untrusted-port"), System.Globalization.CultureInfo.InvariantCulture),
            AttestedPort = int.Parse(OptionValue(manifest, "--attested-port"), System.Globalization.CultureInfo.InvariantCulture),
            ManagementPort = int.Parse(OptionValue(manifest, "--management-port"), System.Globalization.CultureInfo.InvariantCulture),
            Policy = AttestationPolicy.Strict.RequireMrEnclave(Measurement.FromBytes(emulator.MrEnclave.Span)),
            InsecureSimulationRoot = SimulationRoot.FromFile(emulator.SimulationRootPath),
            ManagementToken = Token,
        };
        Tensor[] inputs = SileroInputs();

        BlindAI.Protocol.Messages.ModelId modelId;
        float[] firstOutput;
        var run = await RunUntilStartedAsync(manifest, sandbox, environment, emulatorPaths);
        try
        {
            // Collateral from the host's /collateral (the client's default), which the host fetched from the PCCS.
            await using BlindAIClient client = await BlindAIClient.ConnectAsync(options);
            UploadedModel model = await client.UploadModelAsync(ModelSource.FromBytes(TestAssets.SileroVad()), new UploadModelOptions { Name = "silero" });
            modelId = model.Id;
            firstOutput = (await client.RunModelAsync(model.Id, inputs)).Single(t => t.Name == "output").ToArray<float>();
        }
        finally
        {
            var exit = await run.StopAsync();
            Assert.True(exit.ExitCode == 0, $"The host did not stop cleanly on SIGTERM: {exit}");
            Assert.DoesNotContain("SIMULATION MODE", exit.StandardOutput + exit.StandardError, StringComparison.Ordinal);
        }

        Assert.NotEmpty(Directory.GetFiles(Path.Combine(sandbox.Data, "models")));
        run = await RunUntilStartedAsync(manifest, sandbox, environment, emulatorPaths);
        try
        {
            // A new RA-TLS identity, attested again; the model comes back from the store sealed with the Gramine key.
            await using BlindAIClient client = await BlindAIClient.ConnectAsync(options);
            float[] restored = (await client.RunModelAsync(modelId, inputs)).Single(t => t.Name == "output").ToArray<float>();
            Assert.Equal(firstOutput, restored);
            await client.DeleteModelAsync(modelId);
            Assert.Empty(Directory.GetFiles(Path.Combine(sandbox.Data, "models")));
        }
        finally
        {
            var exit = await run.StopAsync();
            Assert.True(exit.ExitCode == 0, $"The host did not stop cleanly on SIGTERM: {exit}");
        }
    }

    [OriginalPythonClientFact]
    public async Task Production_path_as_Gramine_starts_the_host_serves_the_original_Python_client()
    {
        // The original BlindAI 0.6 client, unchanged, driven by ../shared/tools/blindai-py-compat/run_client.py. It
        // cannot send a management token, so this manifest has none (management then serves loopback callers only);
        // everything else is as above. Its simulation_mode=True is the client's own switch, the one the compat tool
        // always uses: it does not verify the quote (its native DCAP module is a stub), so it checks the wire, not
        // attestation. The host has no --simulation.
        using var sandbox = new Sandbox();
        await using Emulator emulator = await Emulator.StartGramineAsync(Path.Combine(sandbox.Root, "attestation"), pcsPort: 0);
        var manifest = await RenderWithFreePortsAsync("PCCS_URL=" + emulator.PcsBaseAddress, "PCCS_CA_FILE=" + emulator.PcsCaPath);
        Assert.DoesNotContain(manifest.Strings("loader.argv"), argument => argument.StartsWith("--simulation", StringComparison.OrdinalIgnoreCase));
        var model = Path.Combine(sandbox.Root, "subtract.onnx");
        await File.WriteAllBytesAsync(model, TestModels.Subtract());

        var run = await RunUntilStartedAsync(manifest, sandbox, EnclaveEnvironment(manifest, sandbox), ["--attestation-root", emulator.ProviderRoot]);
        CommandResult client;
        try
        {
            client = await OriginalPythonClient.RunSubtractAsync(
                model,
                int.Parse(OptionValue(manifest, "--untrusted-port"), System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(OptionValue(manifest, "--attested-port"), System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(OptionValue(manifest, "--management-port"), System.Globalization.CultureInfo.InvariantCulture),
                sandbox.Root);
        }
        finally
        {
            var exit = await run.StopAsync();
            Assert.True(exit.ExitCode == 0, $"The host did not stop cleanly on SIGTERM: {exit}");
        }

        Assert.True(client.ExitCode == 0, $"The original Python client failed against the production host: {client}");
        Assert.Equal(Enumerable.Repeat(-500.0, 6), OriginalPythonClient.SubtractOutputs(client));
    }

    /// <summary>One Silero VAD window (64 samples of context, 512 new) of a 220 Hz tone at 16 kHz, with a zero state.</summary>
    private static Tensor[] SileroInputs()
    {
        float[] window = [.. Enumerable.Range(0, 64 + 512).Select(i => (float)(0.3 * Math.Sin(i * 2 * Math.PI * 220 / 16000)))];
        return
        [
            Tensor.Create<float>(new float[2 * 128], [2, 1, 128], "state"),
            Tensor.Create<long>([16000], [], "sr"),
            Tensor.Create<float>(window, [1, 576], "input"),
        ];
    }
}
