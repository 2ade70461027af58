using System.Net;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Client.Attestation;
using BlindAI.Client.Connection;
using BlindAI.Client.Models;
using BlindAI.Enclave.Simulation;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Tensors;
using BlindAI.Testing;
using Microsoft.Extensions.Time.Testing;

namespace BlindAI.Client.Tests.EndToEnd;

/// <summary>
/// A connected client keeps working when the server's certificate changes: after a renewal (driven by a
/// <see cref="FakeTimeProvider"/> shared by host and client) and after a restart on the same data folder, the refused
/// handshake makes the client attest the server again (fresh nonce included), re-pin the new key of the same enclave,
/// and send the request; <see cref="BlindAIClient.Attestation"/> shows the new report.
/// </summary>
public sealed class ReattestationTests
{
    private static readonly float[] A = [1, 2, 3, 4, 5, 6];
    private static readonly float[] B = [6, 5, 4, 3, 2, 1];

    [Fact]
    public async Task Client_re_attests_transparently_when_the_host_renews_its_certificate_and_keeps_running_the_model()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // Kestrel closes idle connections after a second, so the request after the renewal needs a new handshake
        // (connections opened with the old key stay usable while they last: the old key was attested too).
        await using RestartableHost host = await RestartableHost.StartAsync(clock, new Dictionary<string, string?> { ["BlindAI:Limits:KeepAliveTimeout"] = "00:00:01" });
        await using BlindAIClient client = await new ClientConnector(timeProvider: clock).ConnectAsync(host.ClientOptions(), CancellationToken.None);
        UploadedModel model = await client.UploadModelAsync(ModelSource.FromBytes(TestModels.Subtract()));
        await AssertSubtractsAsync(client, model);
        Measurement firstKey = client.Attestation.PublicKeySha256;
        byte[] firstDer = await CertificateDerAsync(host);

        // Two thirds of the 30-day validity later the host has a new key.
        await host.WaitForRenewalsScheduledAsync(1);
        clock.Advance(TimeSpan.FromDays(20) + TimeSpan.FromMinutes(1));
        await host.WaitForRenewalsScheduledAsync(2);
        Assert.NotEqual(firstDer, await CertificateDerAsync(host));
        await host.WaitForConnectionsClosedAsync();

        await AssertSubtractsAsync(client, model);

        Assert.Equal(1, client.Attestation.Reattestations);
        Assert.NotEqual(firstKey, client.Attestation.PublicKeySha256);
        Assert.Equal(await CertificateDerAsync(host), client.Attestation.Certificate.RawData);
        Assert.True(client.Attestation.FreshnessVerified);
        Assert.Equal(SimulatedHost.SimulatedMrEnclave, client.Attestation.Quote.SgxReport!.MrEnclave);
        await client.DeleteModelAsync(model.Id);
    }

    [Fact]
    public async Task Client_re_attests_transparently_after_the_host_restarts_on_the_same_data_folder()
    {
        await using RestartableHost host = await RestartableHost.StartAsync();
        await using BlindAIClient client = await BlindAIClient.ConnectAsync(host.ClientOptions());
        UploadedModel model = await client.UploadModelAsync(ModelSource.FromBytes(TestModels.Subtract()));
        await AssertSubtractsAsync(client, model);
        Measurement firstKey = client.Attestation.PublicKeySha256;

        await host.RestartAsync();

        // The sealed model is back, the key is new: the run needs a re-attestation, then succeeds.
        await AssertSubtractsAsync(client, model);
        Assert.Equal(1, client.Attestation.Reattestations);
        Assert.NotEqual(firstKey, client.Attestation.PublicKeySha256);
        Assert.True(client.Attestation.FreshnessVerified);

        // Management requests use the same pin: the upload after a second restart re-attests once more.
        await host.RestartAsync();
        UploadedModel again = await client.UploadModelAsync(ModelSource.FromBytes(TestModels.Subtract()));
        Assert.Equal(model.Hash, again.Hash);
        Assert.Equal(2, client.Attestation.Reattestations);
    }

    [Fact]
    public async Task RaTls_handler_re_attests_an_origin_after_a_restart_and_resends_a_buffered_request()
    {
        await using RestartableHost host = await RestartableHost.StartAsync();
        using var handler = new RaTlsHttpMessageHandler(HandlerOptions(host));
        using var http = new HttpClient(handler);
        var origin = new Uri($"https://127.0.0.1:{host.AttestedPort}/");
        using (HttpResponseMessage first = await http.PostAsync(new Uri(origin, "no-such-route"), new ByteArrayContent([1, 2, 3])))
        {
            Assert.Equal(HttpStatusCode.NotFound, first.StatusCode);
        }

        Assert.True(handler.TryGetAttestation(origin, out AttestationReport? before));

        await host.RestartAsync();
        host.Requests.Clear();
        using HttpResponseMessage again = await http.PostAsync(new Uri(origin, "no-such-route"), new ByteArrayContent([1, 2, 3]));

        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(1, host.Requests.RequestsOnPorts(host.AttestedPort));
        Assert.True(handler.TryGetAttestation(origin, out AttestationReport? after));
        Assert.Equal(1, after.Reattestations);
        Assert.NotEqual(before.PublicKeySha256, after.PublicKeySha256);
        Assert.Equal(before.Quote.SgxReport!.MrEnclave, after.Quote.SgxReport!.MrEnclave);
    }

    [Fact]
    public async Task RaTls_handler_re_pins_but_does_not_resend_a_streamed_body_after_a_restart()
    {
        // A caller's stream may be one-shot: the handler never reads it a second time on its own. The refused handshake
        // sent nothing; the caller is told to send again, and that attempt goes to the re-attested key.
        await using RestartableHost host = await RestartableHost.StartAsync();
        using var handler = new RaTlsHttpMessageHandler(HandlerOptions(host));
        using var http = new HttpClient(handler);
        var origin = new Uri($"https://127.0.0.1:{host.AttestedPort}/");
        using (HttpResponseMessage first = await http.GetAsync(origin))
        {
            Assert.Equal(HttpStatusCode.NotFound, first.StatusCode);
        }

        await host.RestartAsync();
        host.Requests.Clear();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync(origin, new StreamContent(new MemoryStream([1, 2, 3]))));

        Assert.Equal(HttpRequestError.SecureConnectionError, refused.HttpRequestError);
        Assert.Equal(0, host.Requests.RequestsOnPorts(host.AttestedPort));
        Assert.True(handler.TryGetAttestation(origin, out AttestationReport? after));
        Assert.Equal(1, after.Reattestations);
        using HttpResponseMessage resent = await http.PostAsync(origin, new StreamContent(new MemoryStream([1, 2, 3])));
        Assert.Equal(HttpStatusCode.NotFound, resent.StatusCode);
    }

    private static RaTlsHandlerOptions HandlerOptions(RestartableHost host) => new()
    {
        Policy = AttestationPolicy.Strict.RequireMrEnclave(SimulatedHost.SimulatedMrEnclave),
        InsecureSimulationRoot = host.Root,
        CollateralProvider = new DelegatingCollateralProvider(() =>
        {
            using SimulatedTeePlatform platform = SimulatedTeePlatform.Load(Path.Combine(host.DataDirectory, "simulation"));
            SimulatedCollateral c = platform.CreateCollateral();
            return c.ToQuoteCollateral();
        }),
    };

    private static async Task AssertSubtractsAsync(BlindAIClient client, UploadedModel model)
    {
        IReadOnlyList<Tensor> outputs = await client.RunModelAsync(model.Id, [Tensor.Create<float>(A, [2, 3], "A"), Tensor.Create<float>(B, [2, 3], "B")]);
        Assert.Equal(A.Zip(B, (a, b) => a - b).ToArray(), Assert.Single(outputs).ToArray<float>());
    }

    private static async Task<byte[]> CertificateDerAsync(RestartableHost host)
    {
        using var untrusted = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.UntrustedPort}") };
        return MessageCodec.Default.DecodeCertificate(await untrusted.GetByteArrayAsync("/")).ToArray();
    }
}
