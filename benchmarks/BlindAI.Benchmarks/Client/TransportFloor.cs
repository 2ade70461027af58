using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace BlindAI.Benchmarks.Client;

/// <summary>
/// What one HTTPS round trip costs on this machine with nothing of ours in it: a bare Kestrel endpoint (TLS with a P-256
/// certificate, HTTP/1.1, the body read to its end, a fixed reply) and a <see cref="HttpClient"/> posting a body of the
/// given size, in one process over loopback, awaited. The client–server overhead of <c>RunModelAsync</c> cannot be
/// lower than this.
/// </summary>
internal static class TransportFloor
{
    public static async Task<int> RunAsync(int requestBytes, int replyBytes, int calls)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=transport-floor", key, HashAlgorithmName.SHA256);
        using X509Certificate2 ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.UseHttps(certificate);
        }));
        await using WebApplication app = builder.Build();
        byte[] reply = new byte[replyBytes];
        app.MapPost("/run", async context =>
        {
            var reader = context.Request.BodyReader;
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                if (result.IsCompleted)
                {
                    reader.AdvanceTo(result.Buffer.End);
                    break;
                }

                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }

            context.Response.ContentLength = reply.Length;
            await context.Response.Body.WriteAsync(reply, context.RequestAborted).ConfigureAwait(false);
        });
        await app.StartAsync().ConfigureAwait(false);

        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is X509Certificate2 served && served.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span),
            },
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(app.Urls.First()) };
        byte[] body = new byte[requestBytes];

        async Task CallAsync()
        {
            using var content = new ReadOnlyMemoryContent(body);
            using HttpResponseMessage response = await http.PostAsync("/run", content).ConfigureAwait(false);
            _ = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        }

        for (int i = 0; i < Math.Max(100, calls / 5); i++)
        {
            await CallAsync().ConfigureAwait(false);
        }

        var times = new double[calls];
        using var process = Process.GetCurrentProcess();
        TimeSpan cpu = process.TotalProcessorTime;
        for (int i = 0; i < calls; i++)
        {
            long started = Stopwatch.GetTimestamp();
            await CallAsync().ConfigureAwait(false);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }

        process.Refresh();
        Array.Sort(times);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"transport floor, {requestBytes} B up, {replyBytes} B down, {calls} calls: median {times[calls / 2]:F1} µs (p10 {times[calls / 10]:F1}, min {times[0]:F1}); process CPU per call {(process.TotalProcessorTime - cpu).TotalMicroseconds / calls:F1} µs"));
        await app.StopAsync().ConfigureAwait(false);
        return 0;
    }
}
