using System.Net;
using System.Net.Sockets;
using System.Text;
using BlindAI.Attestation;
using BlindAI.Client;
using BlindAI.Client.Models;
using BlindAI.Protocol;
using BlindAI.Security.Tests.Support;
using BlindAI.Testing;

namespace BlindAI.Security.Tests;

/// <summary>
/// Downgrade to plain HTTP: models and data travel only inside the attested TLS channel. The host's attested and
/// management ports speak nothing but TLS, its plain port serves no model or data route, and the client neither accepts
/// a plain-HTTP address nor falls back to plain HTTP when the attested port does not speak TLS.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Category", "Security")]
public sealed class DowngradeAttackTests(HostFixture fixture)
{
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("model or data that must not be accepted in clear");

    [Fact]
    public async Task Downgrade_to_plain_HTTP_on_the_attested_and_management_ports_is_not_served()
    {
        SimulatedHost host = fixture.Host;
        host.Requests.Clear();

        foreach ((int port, string route) in new[] { (host.AttestedPort, ProtocolRoutes.Run), (host.ManagementPort, ProtocolRoutes.Upload), (host.ManagementPort, ProtocolRoutes.Delete) })
        {
            string answer = await SendPlainHttpAsync(port, route);

            // Kestrel reads the request as a broken TLS record: it closes the connection (or, at most, answers 400).
            Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 400", StringComparison.Ordinal), $"Port {port} answered plain HTTP: {answer}");

            using var http = new HttpClient();
            // An ordinary HTTP client gets no response at all.
            await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync(new Uri($"http://127.0.0.1:{port}{route}"), new ByteArrayContent(Payload)));
        }

        // The plain port itself serves no model or data route (404, as the original server).
        using var plain = new HttpClient();
        foreach (string route in new[] { ProtocolRoutes.Run, ProtocolRoutes.Upload, ProtocolRoutes.Delete })
        {
            using HttpResponseMessage response = await plain.PostAsync(new Uri($"http://127.0.0.1:{host.UntrustedPort}{route}"), new ByteArrayContent(Payload));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.Equal(0, host.Requests.RequestsOnPorts(host.AttestedPort, host.ManagementPort));
        Assert.Empty(StoredModelFiles(host));
    }

    [Fact]
    public async Task Downgrade_to_a_plain_HTTP_address_is_refused_by_the_client()
    {
        SimulatedHost host = fixture.Host;
        host.Requests.Clear();

        // Server names the untrusted (plain HTTP) endpoint only: the attested and management ports are always TLS pinned
        // to the attested key, and no scheme, path or credentials in Server can change what is sent where.
        foreach (string address in new[] { $"https://127.0.0.1:{host.AttestedPort}", "http://127.0.0.1/run", "http://user:pass@127.0.0.1", "http://127.0.0.1/?to=run", "file:///run" })
        {
            BlindAIClientOptions options = host.ClientOptions();
            options.Server = new Uri(address);
            await Assert.ThrowsAsync<ArgumentException>(() => BlindAIClient.ConnectAsync(options));
        }

        Attack.AssertNothingReached(host);
    }

    [Fact]
    public async Task Downgrade_to_a_non_TLS_attested_port_is_refused_before_any_data()
    {
        // The genuine host attests on its untrusted port, but the attacker answers the attested and management ports
        // in plain HTTP (here: the host's own plain listener, which logs anything it receives).
        SimulatedHost host = fixture.Host;
        BlindAIClientOptions options = host.ClientOptions();
        options.AttestedPort = host.UntrustedPort;
        options.ManagementPort = host.UntrustedPort;
        host.Requests.Clear();

        await Attack.AssertRefusedAsync(host, options, AttestationFailureReason.CertificateBindingMismatch, VerificationStep.CertificateBinding);
        Assert.Empty(StoredModelFiles(host));
    }

    [Fact]
    public async Task Downgrade_to_a_non_TLS_attested_port_after_attestation_is_refused_before_any_data()
    {
        SimulatedHost host = fixture.Host;
        await using var attested = new TcpRelay(host.AttestedPort);
        await using var management = new TcpRelay(host.ManagementPort);
        BlindAIClientOptions options = host.ClientOptions();
        options.AttestedPort = attested.Port;
        options.ManagementPort = management.Port;
        await using BlindAIClient client = await BlindAIClient.ConnectAsync(options);
        host.Requests.Clear();

        // The network now leads the TLS ports to a plain-HTTP server.
        attested.SwitchTo(host.UntrustedPort);
        management.SwitchTo(host.UntrustedPort);

        var upload = await Assert.ThrowsAsync<AttestationException>(() => client.UploadModelAsync(ModelSource.FromBytes(Payload)));

        Assert.Equal(AttestationFailureReason.CertificateBindingMismatch, upload.Reason);
        Assert.Equal(0, host.Requests.ModelOrDataRequests);
        Assert.Empty(StoredModelFiles(host));
    }

    private static string[] StoredModelFiles(SimulatedHost host)
    {
        string models = Path.Combine(host.DataDirectory, "models");
        return Directory.Exists(models) ? Directory.GetFiles(models) : [];
    }

    private static async Task<string> SendPlainHttpAsync(int port, string route)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        byte[] request = Encoding.ASCII.GetBytes($"POST {route} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/cbor\r\nContent-Length: {Payload.Length}\r\n\r\n");
        await socket.SendAsync(request.Concat(Payload).ToArray());
        var answer = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                answer.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            // Reset by the server: nothing was served.
        }

        return Encoding.ASCII.GetString(answer.ToArray());
    }
}
