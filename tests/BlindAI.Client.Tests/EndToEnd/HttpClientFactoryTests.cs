using System.Net;
using BlindAI.Attestation;
using BlindAI.Attestation.Policy;
using BlindAI.Client.Attestation;
using BlindAI.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BlindAI.Client.Tests.EndToEnd;

/// <summary><see cref="RaTlsHttpMessageHandler"/> in an <see cref="IHttpClientFactory"/> pipeline, and a mis-composed one.</summary>
[Collection(HostCollection.Name)]
public sealed class HttpClientFactoryTests(HostFixture fixture)
{
    [Fact]
    public async Task As_a_delegating_handler_it_attests_and_pins_each_origin()
    {
        SimulatedHost host = fixture.Host;
        var services = new ServiceCollection();
        services.AddLogging();
        // A primary handler that accepts any certificate (as RA-TLS adopters often configure one): never used.
        services.AddHttpClient("enclave")
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } })
            .AddHttpMessageHandler(() => new RaTlsHttpMessageHandler(RaTlsHandlerTests.Options(host, AttestationPolicy.Strict.RequireMrEnclave(SimulatedHost.SimulatedMrEnclave))));
        services.AddHttpClient("otherEnclave")
            .AddHttpMessageHandler(() => new RaTlsHttpMessageHandler(RaTlsHandlerTests.Options(host, AttestationPolicy.Strict.RequireMrEnclave(Measurement.FromBytes(new byte[32])))));
        await using ServiceProvider provider = services.BuildServiceProvider();
        IHttpClientFactory factory = provider.GetRequiredService<IHttpClientFactory>();

        using HttpResponseMessage response = await factory.CreateClient("enclave").GetAsync($"https://127.0.0.1:{host.AttestedPort}/no-such-route");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        // The same pipeline with a policy the enclave fails: the factory's primary handler never gets the request.
        host.Requests.Clear();
        var refused = await Assert.ThrowsAsync<AttestationException>(() => factory.CreateClient("otherEnclave").PostAsync($"https://127.0.0.1:{host.AttestedPort}/run", new ByteArrayContent([1, 2, 3])));
        Assert.Equal(AttestationFailureReason.PolicyViolation, refused.Reason);
        Assert.Equal(0, host.Requests.RequestsOnPorts(host.AttestedPort));

        // The synchronous path would reach that permissive primary handler: refused, nothing sent.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"https://127.0.0.1:{host.AttestedPort}/run") { Content = new ByteArrayContent([1, 2, 3]) };
        Assert.Throws<NotSupportedException>(() => factory.CreateClient("enclave").Send(request));
        Assert.Equal(0, host.Requests.RequestsOnPorts(host.AttestedPort));
    }

    [Fact]
    public async Task A_handler_added_after_it_is_refused_before_anything_is_sent()
    {
        SimulatedHost host = fixture.Host;
        host.Requests.Clear();
        var skipped = new CountingHandler();
        var services = new ServiceCollection();
        services.AddHttpClient("misComposed")
            .AddHttpMessageHandler(() => new RaTlsHttpMessageHandler(RaTlsHandlerTests.Options(host, AttestationPolicy.Strict.RequireMrEnclave(SimulatedHost.SimulatedMrEnclave))))
            .AddHttpMessageHandler(() => skipped);
        await using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("misComposed");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => http.PostAsync($"https://127.0.0.1:{host.AttestedPort}/run", new ByteArrayContent([1, 2, 3])));

        Assert.Contains(typeof(CountingHandler).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was sent", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, skipped.Calls);
        Assert.Empty(host.Requests.All);
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
