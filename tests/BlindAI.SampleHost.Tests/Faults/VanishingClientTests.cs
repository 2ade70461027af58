using System.Net;
using BlindAI.Protocol;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;
using BlindAI.SampleHost.Tests.Support;
using BlindAI.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlindAI.SampleHost.Tests.Faults;

/// <summary>
/// Clients that disappear (TCP reset) in the middle of an upload or a run: the host notices, stores nothing half-sent,
/// cancels the abandoned run, gives the concurrency slot back, and serves the next client.
/// </summary>
public sealed class VanishingClientTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_client_vanishing_mid_upload_leaves_nothing_stored_and_frees_its_slot()
    {
        // One management slot and a queue: if the vanished upload kept its slot, the next upload would wait forever.
        await using RunningHost host = await RunningHost.StartAsync(new Dictionary<string, string?>
        {
            ["BlindAI:Limits:MaxConcurrentManagement"] = "1",
            ["BlindAI:Limits:MaxQueuedRequests"] = "4",
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        });
        using var outcomes = new RequestOutcomes(host);
        byte[] body = Wire.Upload(FaultModels.Silero);

        await using (RawConnection vanishing = await RawConnection.OpenAsync(host.ManagementUri.Port, host.CertificateDer))
        {
            await vanishing.SendAsync(RawConnection.Head("POST", ProtocolRoutes.Upload, body.Length));
            await vanishing.SendAsync(body.AsMemory(0, body.Length / 2));

            // Vanish only once the server has the request (a reset that arrives first discards the unread bytes, and
            // the server would never see a request at all).
            await WaitForLogAsync(host, "POST https://127.0.0.1", ProtocolRoutes.Upload);
            vanishing.Vanish();
        }

        // The server read half a body, then lost the client: counted as aborted, not as a server error.
        await outcomes.WaitForAsync(ProtocolRoutes.Upload, "aborted", Patience);
        RunningHost.AssertNoErrorLogged(host);

        using var next = new CancellationTokenSource(Patience);
        using HttpResponseMessage response = await host.Management.SendAsync(RunningHost.Post(ProtocolRoutes.Upload, Wire.Upload(TestModels.Subtract())), next.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        SendModelReply stored = Protocol.Cbor.MessageCodec.Default.DecodeSendModelReply(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal([stored.ModelId.Value], host.App.Services.GetRequiredService<Inference.IInferenceEngine>().ListModels().Select(m => m.Id));
        string id = stored.ModelId.Value.ToString("N");
        Assert.Equal([id + ".meta", id + ".model"], Directory.GetFiles(Path.Combine(host.DataDirectory, "models")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private static async Task WaitForLogAsync(RunningHost host, string start, string path)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (!host.Logs.Entries.Any(e => e.Message.Contains(start, StringComparison.Ordinal) && e.Message.Contains(path, StringComparison.Ordinal)))
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    [Fact]
    public async Task A_client_vanishing_mid_run_gets_its_run_cancelled_and_frees_its_slot()
    {
        ObservedEngine engine = null!;
        await using RunningHost host = await RunningHost.StartAsync(
            new Dictionary<string, string?> { ["BlindAI:Limits:MaxConcurrentRuns"] = "1", ["BlindAI:Limits:MaxQueuedRequests"] = "4" },
            services: ObservedEngine.Register(e => engine = e));
        using var outcomes = new RequestOutcomes(host);

        // Seconds of matrix products if nothing stopped it (ample to notice a reset within milliseconds).
        SendModelReply slow = await Wire.UploadAsync(host.Management, TestModels.SlowMatMulChain(12000));
        SendModelReply fast = await Wire.UploadAsync(host.Management, TestModels.Subtract());
        float[] values = new float[256 * 256];
        Array.Fill(values, 0.5f / 256);
        byte[] body = Wire.Run(ModelReference.ById(slow.ModelId), Tensor.Create<float>(values, [256, 256]));

        await using (RawConnection vanishing = await RawConnection.OpenAsync(host.AttestedUri.Port, host.CertificateDer))
        {
            await vanishing.SendAsync(RawConnection.Head("POST", ProtocolRoutes.Run, body.Length));
            await vanishing.SendAsync(body);
            await engine.WaitEnteredAsync(Patience);
            vanishing.Vanish();
        }

        await engine.WaitEndedAsync(Patience);
        Assert.Equal(["cancelled"], engine.Outcomes);
        await outcomes.WaitForAsync(ProtocolRoutes.Run, "aborted", Patience);

        // The only run slot is free again: the next client is served at once.
        using var next = new CancellationTokenSource(Patience);
        using HttpResponseMessage response = await host.Attested.SendAsync(
            RunningHost.Post(ProtocolRoutes.Run, Wire.Run(ModelReference.ById(fast.ModelId), Tensor.Create<float>([5, 5, 5, 5, 5, 5], [2, 3]), Tensor.Create<float>([1, 2, 3, 4, 5, 6], [2, 3]))),
            next.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        RunModelReply reply = Protocol.Cbor.MessageCodec.Default.DecodeRunModelReply(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal([4f, 3, 2, 1, 0, -1], Assert.Single(reply.GetOutputTensors()).ToArray<float>());
        RunningHost.AssertNoErrorLogged(host);
    }
}
