using System.Net;
using BlindAI.Inference;
using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Problems;
using BlindAI.Protocol.Tensors;
using BlindAI.SampleHost.Tests.Support;
using BlindAI.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BlindAI.SampleHost.Tests.Faults;

/// <summary>
/// A model deleted while runs of it are in flight: those runs finish with the right outputs (they hold the session),
/// later runs get <c>unknown-model</c>, the sealed files are gone, and the host carries on.
/// </summary>
public sealed class DeleteWhileRunningTests
{
    private const int Size = 256;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Runs_in_flight_finish_with_correct_outputs_when_their_model_is_deleted()
    {
        ObservedEngine engine = null!;

        // One run of the model at a time inside the engine, so the others wait there holding their reference.
        await using RunningHost host = await RunningHost.StartAsync(
            new Dictionary<string, string?> { ["BlindAI:Inference:MaxConcurrentRunsPerModel"] = "1" },
            services: ObservedEngine.Register(e => engine = e));
        SendModelReply model = await Wire.UploadAsync(host.Management, TestModels.SlowMatMulChain(2000));
        byte[] body = Wire.Run(ModelReference.ById(model.ModelId), Input());
        RunModelReply reference = await Wire.RunAsync(host.Attested, ModelReference.ById(model.ModelId), Input());

        const int InFlight = 3;
        Task<HttpResponseMessage>[] runs = [.. Enumerable.Range(0, InFlight).Select(_ => host.Attested.SendAsync(RunningHost.Post(ProtocolRoutes.Run, body, ProtocolMediaTypes.ProblemJson)))];

        // One runs, the others are queued in the engine: all of them have the model when it is deleted.
        for (int i = 0; i < InFlight - 1; i++)
        {
            await engine.WaitQueuedAsync(Patience);
        }

        using (HttpResponseMessage deleted = await host.Management.SendAsync(RunningHost.Post(ProtocolRoutes.Delete, Wire.Delete(model.ModelId))))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        foreach (Task<HttpResponseMessage> run in runs)
        {
            using HttpResponseMessage response = await run;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            RunModelReply reply = MessageCodec.Default.DecodeRunModelReply(await response.Content.ReadAsByteArrayAsync());
            FaultModels.AssertIdentical(reference.GetOutputTensors(), reply.GetOutputTensors());
        }

        // Gone for everyone after that, by id and by hash, from memory and from the sealed store.
        foreach (ModelReference gone in new[] { ModelReference.ById(model.ModelId), ModelReference.ByHash(model.Hash) })
        {
            using HttpResponseMessage response = await host.Attested.SendAsync(RunningHost.Post(ProtocolRoutes.Run, Wire.Run(gone, Input()), ProtocolMediaTypes.ProblemJson));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(ProblemCode.UnknownModel, (await Wire.ProblemAsync(response)).Code);
        }

        Assert.Empty(host.App.Services.GetRequiredService<IInferenceEngine>().ListModels());
        Assert.Empty(Directory.GetFiles(Path.Combine(host.DataDirectory, "models")));
        Assert.Equal(InFlight + 1, engine.Outcomes.Count(o => o == "ok"));
    }

    private static Tensor Input()
    {
        float[] values = new float[Size * Size];
        Array.Fill(values, 0.5f / Size);
        return Tensor.Create<float>(values, [Size, Size]);
    }
}
