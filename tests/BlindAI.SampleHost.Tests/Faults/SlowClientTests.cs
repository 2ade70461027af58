using System.Diagnostics;
using System.Net;
using BlindAI.Protocol;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;
using BlindAI.SampleHost.Tests.Support;
using BlindAI.Testing;

namespace BlindAI.SampleHost.Tests.Faults;

/// <summary>
/// Slowloris: clients that dribble their headers or their body are cut off by the host's limits (header timeout,
/// minimum body data rate), give back what they held, and never stop other clients from being served.
/// </summary>
public sealed class SlowClientTests
{
    private static readonly Dictionary<string, string?> TightLimits = new()
    {
        ["BlindAI:Limits:RequestHeadersTimeout"] = "00:00:02",
        ["BlindAI:Limits:MinRequestBodyDataRate"] = "1000",
        ["BlindAI:Limits:MinRequestBodyDataRateGracePeriod"] = "00:00:02",
        ["BlindAI:Limits:MaxConcurrentRuns"] = "1",
        ["BlindAI:Limits:MaxQueuedRequests"] = "8",
    };

    [Fact]
    public async Task Headers_dribbled_past_the_header_timeout_are_cut_off_while_other_clients_are_served()
    {
        await using RunningHost host = await RunningHost.StartAsync(TightLimits);
        SendModelReply subtract = await Wire.UploadAsync(host.Management, TestModels.Subtract());
        var started = Stopwatch.StartNew();

        // Ten on the plain port, ten on the attested port after a real TLS handshake.
        Task<string>[] slowlorises =
        [
            .. Enumerable.Range(0, 10).Select(_ => DribbleHeadersAsync(host.Listeners.GetEndPoint(BlindAI.Server.ListenerRole.Untrusted).Port, null)),
            .. Enumerable.Range(0, 10).Select(_ => DribbleHeadersAsync(host.AttestedUri.Port, host.CertificateDer)),
        ];

        // Meanwhile a normal client keeps being served on both ports.
        for (int i = 0; i < 5; i++)
        {
            using HttpResponseMessage health = await host.Untrusted.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            RunModelReply reply = await Wire.RunAsync(host.Attested, ModelReference.ById(subtract.ModelId), Tensor.Create<float>([5, 5, 5, 5, 5, 5], [2, 3]), Tensor.Create<float>([1, 2, 3, 4, 5, 6], [2, 3]));
            Assert.Equal([4f, 3, 2, 1, 0, -1], Assert.Single(reply.Outputs).ToArray<float>());
        }

        string[] received = await Task.WhenAll(slowlorises);

        // Cut off after the 2 s header timeout (Kestrel checks once a second), with a 408 when it can still say so.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(12), $"the slow clients were cut off only after {started.Elapsed}");
        Assert.All(received, r => Assert.Contains(RawConnection.StatusOf(r), new[] { 0, 408 }));
    }

    [Fact]
    public async Task A_body_slower_than_the_minimum_rate_gets_request_timeout_and_the_queued_client_is_then_served()
    {
        await using RunningHost host = await RunningHost.StartAsync(TightLimits);
        SendModelReply subtract = await Wire.UploadAsync(host.Management, TestModels.Subtract());
        byte[] padded = new byte[4000];
        var started = Stopwatch.StartNew();

        await using RawConnection slow = await RawConnection.OpenAsync(host.AttestedUri.Port, host.CertificateDer);
        await slow.SendAsync(RawConnection.Head("POST", ProtocolRoutes.Run, padded.Length, ProtocolMediaTypes.ProblemJson));
        Task<string> answer = slow.ReadUntilClosedAsync(TimeSpan.FromSeconds(12));
        Task dribbling = DribbleAsync(slow, padded, answer);

        // The slow body holds the only run slot; this run waits in the queue until the slow one is cut off.
        Task<RunModelReply> queued = Wire.RunAsync(host.Attested, ModelReference.ById(subtract.ModelId), Tensor.Create<float>([5, 5, 5, 5, 5, 5], [2, 3]), Tensor.Create<float>([1, 2, 3, 4, 5, 6], [2, 3]));

        string received = await answer;
        await dribbling;
        Assert.Equal(408, RawConnection.StatusOf(received));
        Assert.Contains("urn:blindai:problem:request-timeout", received, StringComparison.Ordinal);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(12), $"the slow body was cut off only after {started.Elapsed}");

        RunModelReply reply = await queued;
        Assert.Equal([4f, 3, 2, 1, 0, -1], Assert.Single(reply.Outputs).ToArray<float>());
    }

    [Theory]
    [InlineData("BlindAI:Limits:MinRequestBodyDataRate", "0", "MinRequestBodyDataRate must be a positive")]
    [InlineData("BlindAI:Limits:MinRequestBodyDataRateGracePeriod", "00:00:01", "longer than one second")]
    [InlineData("BlindAI:Limits:RequestHeadersTimeout", "00:00:00", "RequestHeadersTimeout must be positive")]
    [InlineData("BlindAI:Limits:KeepAliveTimeout", "-00:00:01", "KeepAliveTimeout must be positive")]
    public async Task Slow_client_limits_that_cannot_protect_stop_the_host_before_any_port_opens(string key, string value, string message)
    {
        var exception = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => RunningHost.StartAsync(new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(exception.Failures, f => f.Contains(message, StringComparison.Ordinal));
    }

    /// <summary>Sends a request line, then one more header line every 250 ms, until the server closes the connection.</summary>
    private static async Task<string> DribbleHeadersAsync(int port, byte[]? certificate)
    {
        await using RawConnection connection = await RawConnection.OpenAsync(port, certificate);
        await connection.SendAsync("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"u8.ToArray());
        Task<string> closed = connection.ReadUntilClosedAsync(TimeSpan.FromSeconds(10));
        await DribbleAsync(connection, [.. Enumerable.Repeat("X-Slow: 1\r\n"u8.ToArray(), 400).SelectMany(b => b)], closed);
        return await closed;
    }

    /// <summary>Writes <paramref name="bytes"/> about 40 bytes per 250 ms (160 B/s) until <paramref name="until"/> completes or the server stops reading.</summary>
    private static async Task DribbleAsync(RawConnection connection, byte[] bytes, Task until)
    {
        for (int offset = 0; offset < bytes.Length && !until.IsCompleted; offset += 40)
        {
            try
            {
                await connection.SendAsync(bytes.AsMemory(offset, Math.Min(40, bytes.Length - offset)));
            }
            catch (IOException)
            {
                return;
            }

            await Task.WhenAny(until, Task.Delay(250));
        }
    }
}
