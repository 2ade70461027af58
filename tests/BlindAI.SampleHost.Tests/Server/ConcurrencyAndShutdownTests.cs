using System.Net;
using BlindAI.Protocol;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Problems;
using BlindAI.Protocol.Tensors;
using BlindAI.SampleHost.Tests.Support;
using BlindAI.Testing;

namespace BlindAI.SampleHost.Tests.Server;

/// <summary>Bounded concurrency (503 + Retry-After), request timeouts and draining on shutdown, with a deliberately slow model.</summary>
public sealed class ConcurrencyAndShutdownTests
{
    private const int Size = 256;

    [Fact]
    public async Task Beyond_the_concurrency_bound_runs_get_busy_with_retry_after()
    {
        await using RunningHost host = await RunningHost.StartAsync(new Dictionary<string, string?>
        {
            ["BlindAI:Limits:MaxConcurrentRuns"] = "1",
            ["BlindAI:Limits:MaxQueuedRequests"] = "0",
            ["BlindAI:Limits:RetryAfter"] = "00:00:03",
        });
        SendModelReply slow = await Wire.UploadAsync(host.Management, TestModels.SlowMatMulChain(6000));
        byte[] body = Wire.Run(ModelReference.ById(slow.ModelId), SlowInput());

        // Four at once with one slot and no queue: one runs, the others are refused at once.
        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            host.Attested.SendAsync(RunningHost.Post(ProtocolRoutes.Run, body, ProtocolMediaTypes.ProblemJson))));
        try
        {
            Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
            Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
            HttpResponseMessage busy = responses.First(r => r.StatusCode != HttpStatusCode.OK);
            Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode));
            Assert.Equal(TimeSpan.FromSeconds(3), busy.Headers.RetryAfter?.Delta);
            Assert.Equal(ProblemCode.Busy, (await Wire.ProblemAsync(busy)).Code);
        }
        finally
        {
            foreach (HttpResponseMessage response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_run_longer_than_the_route_timeout_is_cancelled_with_request_timeout()
    {
        await using RunningHost host = await RunningHost.StartAsync(new Dictionary<string, string?> { ["BlindAI:Limits:RunTimeout"] = "00:00:01" });

        // Seconds of work behind a body that arrives well within the timeout (a timeout while the body is still being
        // sent would reset the connection instead of answering).
        SendModelReply slow = await Wire.UploadAsync(host.Management, TestModels.SlowMatMulChain(8000));

        using HttpResponseMessage response = await host.Attested.SendAsync(
            RunningHost.Post(ProtocolRoutes.Run, Wire.Run(ModelReference.ById(slow.ModelId), SlowInput()), ProtocolMediaTypes.ProblemJson));

        ProblemDetails problem = await Wire.ProblemAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.RequestTimeout, problem.Detail + " " + string.Join("\n", host.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Information).Select(e => e.Message).TakeLast(6)));
        Assert.Equal(ProblemCode.RequestTimeout, problem.Code);
    }

    [Fact]
    public async Task Shutdown_drains_a_run_in_flight()
    {
        RunningHost host = await RunningHost.StartAsync(new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information" });
        try
        {
            SendModelReply slow = await Wire.UploadAsync(host.Management, TestModels.SlowMatMulChain(4000));
            Task<HttpResponseMessage> inFlight = host.Attested.SendAsync(
                RunningHost.Post(ProtocolRoutes.Run, Wire.Run(ModelReference.ById(slow.ModelId), SlowInput())));
            // Wait until the server has the request (Kestrel logs its start), then stop while it runs.
            for (int i = 0; i < 200 && !host.Logs.Entries.Any(e => e.Message.Contains("POST https://127.0.0.1", StringComparison.Ordinal) && e.Message.Contains("/run", StringComparison.Ordinal)); i++)
            {
                await Task.Delay(20);
            }

            Assert.False(inFlight.IsCompleted, "the run finished before shutdown began; make the model slower");

            await host.App.StopAsync();

            using HttpResponseMessage response = await inFlight;
            Assert.True(
                response.StatusCode == HttpStatusCode.OK,
                $"{(int)response.StatusCode}: {await DescribeAsync(response)}; host log: {string.Join(" | ", host.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(e => e.Message))}");
            RunModelReply reply = Protocol.Cbor.MessageCodec.Default.DecodeRunModelReply(await response.Content.ReadAsByteArrayAsync());
            Assert.Equal([(long)Size, Size], Assert.Single(reply.GetOutputTensors()).Shape.ToArray());
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>The body as text (problem details in JSON or CBOR both carry their code and detail as UTF-8 strings).</summary>
    private static async Task<string> DescribeAsync(HttpResponseMessage response) =>
        System.Text.Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());

    private static Tensor SlowInput()
    {
        // Values below 1/Size keep the powers finite.
        float[] values = new float[Size * Size];
        Array.Fill(values, 0.5f / Size);
        return Tensor.Create<float>(values, [Size, Size]);
    }
}
