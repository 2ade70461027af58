using System.Net;
using BlindAI.Protocol;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Problems;
using BlindAI.Protocol.Tensors;
using BlindAI.SampleHost.Tests.Support;
using BlindAI.Testing;
using Microsoft.Extensions.Logging;

namespace BlindAI.SampleHost.Tests.Faults;

/// <summary>
/// The sealed model store across restarts: what was uploaded (also concurrently) comes back and computes the same
/// outputs bit for bit; a blob altered or swapped on disk is refused with a warning while the others load and the host
/// keeps serving.
/// </summary>
public sealed class SealedStoreFaultTests
{
    [Fact]
    public async Task Concurrent_uploads_are_all_sealed_intact_and_come_back_after_a_restart()
    {
        const int Uploads = 8;
        string data = Directory.CreateTempSubdirectory("blindai-fault-sealed-").FullName;
        try
        {
            var settings = new Dictionary<string, string?> { ["BlindAI:Limits:MaxConcurrentManagement"] = Uploads.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            byte[][] models = [.. Enumerable.Range(0, Uploads).Select(i => FaultModels.Distinct(FaultModels.Silero, $"copy {i}"))];
            SendModelReply[] uploaded;
            await using (RunningHost first = await RunningHost.StartAsync(settings, dataDirectory: data))
            {
                // All at once: each upload is sealed (AES-GCM) and written while the others are.
                uploaded = await Task.WhenAll(models.Select(m => Task.Run(() => Wire.UploadAsync(first.Management, m))));
            }

            Assert.Equal(Uploads * 2, Directory.GetFiles(Path.Combine(data, "models")).Length);
            await using RunningHost second = await RunningHost.StartAsync(settings, dataDirectory: data);
            Assert.DoesNotContain(second.Logs.Entries, e => e.Level >= LogLevel.Warning && e.Message.Contains("not restored", StringComparison.Ordinal));
            RunModelReply reference = await Wire.RunAsync(second.Attested, ModelReference.ById(uploaded[0].ModelId), FaultModels.SileroInputs());
            foreach (SendModelReply model in uploaded)
            {
                RunModelReply reply = await Wire.RunAsync(second.Attested, ModelReference.ById(model.ModelId), FaultModels.SileroInputs());
                FaultModels.AssertIdentical(reference.GetOutputTensors(), reply.GetOutputTensors());
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task After_a_restart_models_compute_the_same_outputs_and_tampered_or_swapped_blobs_are_refused()
    {
        string data = Directory.CreateTempSubdirectory("blindai-fault-restart-").FullName;
        try
        {
            Tensor[] silero = FaultModels.SileroInputs();
            Tensor[] subtract = [Tensor.Create<float>([5, 5, 5, 5, 5, 5], [2, 3], "A"), Tensor.Create<float>([1, 2, 3, 4, 5, 6], [2, 3], "B")];
            SendModelReply sileroModel, subtractModel, otherModel;
            RunModelReply sileroBefore, subtractBefore;
            await using (RunningHost first = await RunningHost.StartAsync(dataDirectory: data))
            {
                sileroModel = await Wire.UploadAsync(first.Management, FaultModels.Silero);
                subtractModel = await Wire.UploadAsync(first.Management, TestModels.Subtract());
                otherModel = await Wire.UploadAsync(first.Management, TestModels.MatMulAddRelu());
                sileroBefore = await Wire.RunAsync(first.Attested, ModelReference.ById(sileroModel.ModelId), silero);
                subtractBefore = await Wire.RunAsync(first.Attested, ModelReference.ById(subtractModel.ModelId), subtract);
            }

            // A clean restart: every model is back, by id and by hash, with the same outputs bit for bit.
            await using (RunningHost second = await RunningHost.StartAsync(dataDirectory: data))
            {
                FaultModels.AssertIdentical(sileroBefore.GetOutputTensors(), (await Wire.RunAsync(second.Attested, ModelReference.ById(sileroModel.ModelId), silero)).GetOutputTensors());
                FaultModels.AssertIdentical(sileroBefore.GetOutputTensors(), (await Wire.RunAsync(second.Attested, ModelReference.ByHash(sileroModel.Hash), silero)).GetOutputTensors());
                FaultModels.AssertIdentical(subtractBefore.GetOutputTensors(), (await Wire.RunAsync(second.Attested, ModelReference.ById(subtractModel.ModelId), subtract)).GetOutputTensors());
            }

            // One bit flipped in Silero's sealed bytes, and the MatMul model's sealed bytes replaced by the Subtract
            // model's (a valid blob, but sealed for another id).
            string models = Path.Combine(data, "models");
            string sileroBlob = Path.Combine(models, sileroModel.ModelId.Value.ToString("N") + ".model");
            byte[] sealedBytes = await File.ReadAllBytesAsync(sileroBlob);
            sealedBytes[sealedBytes.Length / 2] ^= 0x01;
            await File.WriteAllBytesAsync(sileroBlob, sealedBytes);
            File.Copy(Path.Combine(models, subtractModel.ModelId.Value.ToString("N") + ".model"), Path.Combine(models, otherModel.ModelId.Value.ToString("N") + ".model"), overwrite: true);

            await using RunningHost third = await RunningHost.StartAsync(dataDirectory: data);
            foreach (SendModelReply refused in new[] { sileroModel, otherModel })
            {
                Assert.Contains(third.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains($"Stored model {refused.ModelId.Value} not restored", StringComparison.Ordinal));
                using HttpResponseMessage response = await third.Attested.SendAsync(RunningHost.Post(ProtocolRoutes.Run, Wire.Run(ModelReference.ById(refused.ModelId), silero), ProtocolMediaTypes.ProblemJson));
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                Assert.Equal(ProblemCode.UnknownModel, (await Wire.ProblemAsync(response)).Code);
            }

            FaultModels.AssertIdentical(subtractBefore.GetOutputTensors(), (await Wire.RunAsync(third.Attested, ModelReference.ById(subtractModel.ModelId), subtract)).GetOutputTensors());
            using HttpResponseMessage ready = await third.Untrusted.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

            // The refused blobs were not deleted: an operator can still inspect them.
            Assert.True(File.Exists(sileroBlob));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
