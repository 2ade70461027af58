using System.Net;
using BlindAI.Enclave;
using BlindAI.Enclave.Quoting;
using BlindAI.Protocol;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;
using BlindAI.SampleHost.Tests.Support;
using BlindAI.Testing;

namespace BlindAI.SampleHost.Tests.Server;

/// <summary>Start-up, persistence across restarts and shutdown of the real host.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Without_a_TEE_and_without_simulation_the_host_refuses_to_start()
    {
        string missing = Path.Combine(Path.GetTempPath(), "blindai-no-tee-" + Guid.NewGuid().ToString("N"));
        var exception = await Assert.ThrowsAsync<EvidenceException>(() => RunningHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["BlindAI:Enclave:GramineAttestationRoot"] = Path.Combine(missing, "attestation"),
                ["BlindAI:Enclave:TsmReportRoot"] = Path.Combine(missing, "tsm"),

                // A production host needs a collateral source to start at all (issue #13); this one is never reached.
                ["BlindAI:CollateralSource"] = "IntelPcs",
            },
            simulation: false));

        Assert.Equal(EnclaveErrorReason.PlatformUnavailable, exception.Reason);
    }

    [Fact]
    public async Task Simulation_starts_warns_loudly_and_writes_the_root_for_clients()
    {
        // Start-up time is measured, not asserted (docs/performance.md): a loaded CI machine must not fail this.
        await using RunningHost host = await RunningHost.StartAsync();

        Assert.Contains(host.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("SIMULATION MODE", StringComparison.Ordinal));
        string root = await File.ReadAllTextAsync(Path.Combine(host.DataDirectory, "simulation-root.pem"));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", root, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sealed_models_survive_a_restart_on_the_same_simulated_platform()
    {
        string data = Directory.CreateTempSubdirectory("blindai-host-restart-").FullName;
        try
        {
            SendModelReply uploaded;
            await using (RunningHost first = await RunningHost.StartAsync(dataDirectory: data))
            {
                uploaded = await Wire.UploadAsync(first.Management, TestModels.Subtract());
            }

            foreach (string file in Directory.GetFiles(Path.Combine(data, "models")))
            {
                byte[] stored = await File.ReadAllBytesAsync(file);
                Assert.True(stored.AsSpan().IndexOf(TestModels.Subtract().AsSpan(0, 16)) < 0, "model bytes are stored in clear");
            }

            await using RunningHost second = await RunningHost.StartAsync(dataDirectory: data);
            RunModelReply reply = await Wire.RunAsync(second.Attested, ModelReference.ById(uploaded.ModelId),
                Tensor.Create<float>([3, 3, 3, 3, 3, 3], [2, 3]), Tensor.Create<float>([1, 1, 1, 1, 1, 1], [2, 3]));
            Assert.Equal([2f, 2, 2, 2, 2, 2], Assert.Single(reply.GetOutputTensors()).ToArray<float>());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Logs_never_carry_model_bytes_tensors_or_nonces()
    {
        await using RunningHost host = await RunningHost.StartAsync();
        byte[] model = TestModels.Subtract();
        SendModelReply uploaded = await Wire.UploadAsync(host.Management, model);
        float[] secret = [1234.5f, 2345.5f, 3456.5f, 4567.5f, 5678.5f, 6789.5f];
        await Wire.RunAsync(host.Attested, ModelReference.ById(uploaded.ModelId), Tensor.Create<float>(secret, [2, 3]), Tensor.Create<float>(secret, [2, 3]));
        FreshEvidenceRequest nonce = FreshEvidenceRequest.CreateRandom();
        using HttpResponseMessage evidence = await host.Untrusted.SendAsync(RunningHost.Post(ProtocolRoutes.Evidence, Protocol.Cbor.MessageCodec.Default.EncodeFreshEvidenceRequest(nonce)));
        Assert.Equal(HttpStatusCode.OK, evidence.StatusCode);

        string all = string.Join("\n", host.Logs.Entries.Select(e => e.Message));
        Assert.Contains(uploaded.ModelId.Value.ToString(), all, StringComparison.Ordinal);
        foreach (string forbidden in new[]
        {
            Convert.ToHexString(nonce.Nonce.Span), Convert.ToHexStringLower(nonce.Nonce.Span), Convert.ToBase64String(nonce.Nonce.Span),
            Convert.ToBase64String(model), Convert.ToHexString(model.AsSpan(0, 32)), "1234.5", "6789.5",
        })
        {
            Assert.DoesNotContain(forbidden, all, StringComparison.OrdinalIgnoreCase);
        }
    }
}
