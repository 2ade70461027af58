using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Protocol.Cbor;
using BlindAI.SampleHost;
using BlindAI.Server;
using BlindAI.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlindAI.SampleHost.Tests.Support;

/// <summary>
/// The real sample host on loopback with ephemeral ports, in simulation, with clients for its three listeners. The
/// attested and management clients pin the certificate served on the untrusted port, as the original client does.
/// </summary>
internal sealed class RunningHost : IAsyncDisposable
{
    private readonly bool _ownsDirectory;

    private RunningHost(WebApplication app, ListenerEndpoints listeners, string dataDirectory, bool ownsDirectory, RecordingLoggerProvider logs)
    {
        App = app;
        Listeners = listeners;
        DataDirectory = dataDirectory;
        _ownsDirectory = ownsDirectory;
        Logs = logs;
        Untrusted = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listeners.GetEndPoint(ListenerRole.Untrusted).Port}") };
    }

    public WebApplication App { get; }

    public ListenerEndpoints Listeners { get; }

    public string DataDirectory { get; }

    public RecordingLoggerProvider Logs { get; }

    public HttpClient Untrusted { get; }

    public HttpClient Attested { get; private set; } = null!;

    public HttpClient Management { get; private set; } = null!;

    /// <summary>The DER served on <c>GET /</c>.</summary>
    public byte[] CertificateDer { get; private set; } = [];

    /// <summary>The certificate the last TLS handshake presented.</summary>
    public X509Certificate2? PresentedCertificate { get; private set; }

    public Uri AttestedUri => new($"https://127.0.0.1:{Listeners.GetEndPoint(ListenerRole.Attested).Port}");

    public Uri ManagementUri => new($"https://127.0.0.1:{Listeners.GetEndPoint(ListenerRole.Management).Port}");

    public static async Task<RunningHost> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null, string? dataDirectory = null, bool simulation = true, Action<IServiceCollection>? services = null)
    {
        bool owns = dataDirectory is null;
        dataDirectory ??= Directory.CreateTempSubdirectory("blindai-host-").FullName;
        var logs = new RecordingLoggerProvider();
        List<string> args =
        [
            "--data-dir", dataDirectory, "--untrusted-port", "0", "--attested-port", "0", "--management-port", "0",
            "--listen-address", "127.0.0.1",
        ];
        if (simulation)
        {
            args.Add("--simulation");
        }

        WebApplication app = SampleHostApplication.Build([.. args], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddProvider(logs);
            services?.Invoke(builder.Services);
        });
        try
        {
            ListenerEndpoints listeners = await SampleHostApplication.StartAsync(app, CancellationToken.None);
            var host = new RunningHost(app, listeners, dataDirectory, owns, logs);
            await host.ConnectAsync();
            return host;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client for an RA-TLS port that accepts exactly the certificate served on <c>GET /</c>.</summary>
    public HttpClient CreatePinnedClient(Uri baseAddress, string? bearerToken = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                TargetHost = Protocol.ProtocolRoutes.CertificateHostName,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }

                    PresentedCertificate = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    return PresentedCertificate.RawData.AsSpan().SequenceEqual(CertificateDer);
                },
            },
        };
        var client = new HttpClient(handler) { BaseAddress = baseAddress };
        if (bearerToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Untrusted.Dispose();
        Attested?.Dispose();
        Management?.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (_ownsDirectory)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private async Task ConnectAsync()
    {
        byte[] body = await Untrusted.GetByteArrayAsync("/");
        CertificateDer = MessageCodec.Default.DecodeCertificate(body).ToArray();
        Attested = CreatePinnedClient(AttestedUri);
        Management = CreatePinnedClient(ManagementUri);
    }

    public static HttpRequestMessage Post(string path, byte[] body, string? accept = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        return request;
    }

    public static HttpStatusCode Status(HttpResponseMessage response) => response.StatusCode;

    /// <summary>
    /// Fails with the messages when the host logged anything at error level or above, except Kestrel's event 67
    /// ("automatic draining of the request body failed because the body reader is in an invalid state"): Kestrel
    /// logs it at error level when a client vanishes while a body read is pending (dotnet/aspnetcore#17840); the
    /// request is already over and nothing in the host went wrong.
    /// </summary>
    public static void AssertNoErrorLogged(RunningHost host)
    {
        string[] errors =
        [
            .. host.Logs.Entries
                .Where(e => e.Level >= LogLevel.Error && !(e.Category == "Microsoft.AspNetCore.Server.Kestrel" && e.EventId == 67))
                .Select(e => $"{e.Category}[{e.EventId}]: {e.Message}"),
        ];
        Assert.True(errors.Length == 0, "The host logged errors:\n" + string.Join("\n", errors));
    }
}
