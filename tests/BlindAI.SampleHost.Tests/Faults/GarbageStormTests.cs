using System.Net;
using System.Text;
using BlindAI.Protocol;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;
using BlindAI.SampleHost.Tests.Support;
using BlindAI.Testing;
using Microsoft.Extensions.Logging;

namespace BlindAI.SampleHost.Tests.Faults;

/// <summary>
/// Storms of what is not a valid request at every layer — bytes that are not TLS on the RA-TLS ports, handshakes
/// abandoned half way, plain HTTP on TLS ports, malformed request lines, oversized headers, oversized and malformed
/// uploads — while a well-behaved client uploads, runs and deletes: each bad connection is answered or closed
/// promptly, the good client never fails, and the server logs no internal error. (Oversized and malformed
/// <c>/run</c> bodies are covered by <c>ErrorResponseTests</c>.)
/// </summary>
public sealed class GarbageStormTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Garbage_at_the_TCP_TLS_and_HTTP_layers_leaves_the_host_serving_a_good_client()
    {
        await using RunningHost host = await RunningHost.StartAsync(new Dictionary<string, string?>
        {
            ["BlindAI:Limits:MaxUploadBodyBytes"] = (256 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        int untrusted = host.Listeners.GetEndPoint(BlindAI.Server.ListenerRole.Untrusted).Port;
        int attested = host.AttestedUri.Port, management = host.ManagementUri.Port;
        using var stop = new CancellationTokenSource();

        Func<Task<int>>[] attacks =
        [
            // Not TLS at all on the RA-TLS ports: random bytes, then plain HTTP (a downgrade attempt).
            () => SendAndCloseAsync(attested, null, NotTlsBytes(517)),
            () => SendAndCloseAsync(management, null, Encoding.ASCII.GetBytes("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")),
            // A TLS record header announcing a ClientHello that never comes, then the client vanishes.
            () => VanishAfterAsync(attested, [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc]),
            // Malformed HTTP over plain and over TLS: bad request line, control bytes, a 64 KiB header.
            () => SendAndCloseAsync(untrusted, null, "GET\x00/ HTTP/9.9\r\n\r\n"u8.ToArray()),
            () => SendAndCloseAsync(attested, host.CertificateDer, "BREW /run HTCPCP/1.0\r\n\r\n"u8.ToArray()),
            () => SendAndCloseAsync(untrusted, null, Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + new string('a', 64 * 1024) + "\r\n\r\n")),
            // Well-formed HTTP with bodies the management routes refuse: too large, and not CBOR.
            () => StatusAsync(host.Management, ProtocolRoutes.Upload, new byte[512 * 1024]),
            () => StatusAsync(host.Management, ProtocolRoutes.Upload, RandomBytes(2048)),
            () => StatusAsync(host.Management, ProtocolRoutes.Delete, RandomBytes(64)),
        ];
        var answers = new System.Collections.Concurrent.ConcurrentBag<int>();
        Task[] storm = [.. Enumerable.Range(0, 3).Select(worker => Task.Run(async () =>
        {
            for (int i = worker; !stop.IsCancellationRequested; i++)
            {
                answers.Add(await attacks[i % attacks.Length]());
            }
        }))];

        // The good client: upload, run, delete, ten times over, each answered correctly while the storm goes on.
        for (int i = 0; i < 10; i++)
        {
            SendModelReply model = await Wire.UploadAsync(host.Management, TestModels.Subtract());
            RunModelReply reply = await Wire.RunAsync(host.Attested, ModelReference.ById(model.ModelId), Tensor.Create<float>([5, 5, 5, 5, 5, 5], [2, 3]), Tensor.Create<float>([1, 2, 3, 4, 5, 6], [2, 3]));
            Assert.Equal([4f, 3, 2, 1, 0, -1], Assert.Single(reply.Outputs).ToArray<float>());
            using HttpResponseMessage deleted = await host.Management.SendAsync(RunningHost.Post(ProtocolRoutes.Delete, Wire.Delete(model.ModelId)));
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        await stop.CancelAsync();
        await Task.WhenAll(storm);

        // Every bad request that got an answer got a refusal (400, 413, 431, 500 for the original client's CBOR text,
        // 505), never a success; the others were closed.
        Assert.True(answers.Count >= attacks.Length, $"the storm made only {answers.Count} attempts");
        Assert.All(answers, status => Assert.True(status == 0 || status >= 400, $"a bad request was answered {status}"));
        RunningHost.AssertNoErrorLogged(host);
        using HttpResponseMessage ready = await host.Untrusted.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    /// <summary>
    /// Random bytes that cannot begin a TLS record: a first byte of 0x16 (or an SSLv2-style header, high bit set) announcing
    /// a record longer than what follows is a legitimate partial ClientHello, which the server rightly waits for until its
    /// handshake timeout (10 s, as long as <see cref="Patience"/>): about one attempt in a hundred made this test fail
    /// under load.
    /// </summary>
    private static byte[] NotTlsBytes(int length)
    {
        byte[] bytes = RandomBytes(length);
        bytes[0] &= 0x0f;
        return bytes;
    }

    private static byte[] RandomBytes(int length)
    {
        byte[] bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Sends the bytes and waits for the server to close; returns the status it answered, or 0.</summary>
    private static async Task<int> SendAndCloseAsync(int port, byte[]? certificate, byte[] bytes)
    {
        await using RawConnection connection = await RawConnection.OpenAsync(port, certificate);
        try
        {
            await connection.SendAsync(bytes);
        }
        catch (IOException)
        {
            // The server closed before reading everything: that is an answer too.
            return 0;
        }

        return RawConnection.StatusOf(await connection.ReadUntilClosedAsync(Patience));
    }

    private static async Task<int> VanishAfterAsync(int port, byte[] bytes)
    {
        await using RawConnection connection = await RawConnection.OpenAsync(port);
        await connection.SendAsync(bytes);
        connection.Vanish();
        return 0;
    }

    private static async Task<int> StatusAsync(HttpClient client, string path, byte[] body)
    {
        using HttpResponseMessage response = await client.SendAsync(RunningHost.Post(path, body));
        return (int)response.StatusCode;
    }
}
