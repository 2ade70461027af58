using System.Net;
using System.Security.Cryptography;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Client.Attestation;
using BlindAI.Enclave.Simulation;
using BlindAI.Testing;

namespace BlindAI.Client.Tests.EndToEnd;

/// <summary>The generic RA-TLS handler against the host's attested port, with collateral from the client's own source.</summary>
[Collection(HostCollection.Name)]
public sealed class RaTlsHandlerTests(HostFixture fixture)
{
    [Fact]
    public async Task Any_HttpClient_reaches_an_attested_RA_TLS_server_after_verifying_its_handshake_certificate()
    {
        SimulatedHost host = fixture.Host;
        using var handler = new RaTlsHttpMessageHandler(Options(host, AttestationPolicy.Strict.RequireMrEnclave(SimulatedHost.SimulatedMrEnclave)));
        using var http = new HttpClient(handler);

        using HttpResponseMessage response = await http.GetAsync($"https://127.0.0.1:{host.AttestedPort}/no-such-route");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(handler.TryGetAttestation(new Uri($"https://127.0.0.1:{host.AttestedPort}/"), out AttestationReport? report));
        Assert.Equal(SimulatedHost.SimulatedMrEnclave, report.Quote.SgxReport!.MrEnclave);
    }

    [Fact]
    public async Task A_server_failing_the_policy_receives_no_request()
    {
        SimulatedHost host = fixture.Host;
        host.Requests.Clear();
        using var handler = new RaTlsHttpMessageHandler(Options(host, AttestationPolicy.Strict.RequireMrEnclave(Measurement.FromBytes(SHA256.HashData("other"u8)))));
        using var http = new HttpClient(handler);

        var error = await Assert.ThrowsAsync<AttestationException>(() => http.PostAsync($"https://127.0.0.1:{host.AttestedPort}/run", new ByteArrayContent([1, 2, 3])));

        Assert.Equal(AttestationFailureReason.PolicyViolation, error.Reason);
        Assert.Equal(0, host.Requests.RequestsOnPorts(host.AttestedPort));
    }

    internal static RaTlsHandlerOptions Options(SimulatedHost host, AttestationPolicy policy) => new()
    {
        Policy = policy,
        InsecureSimulationRoot = host.Root,
        CollateralProvider = new DelegatingCollateralProvider(() =>
        {
            using SimulatedTeePlatform platform = host.LoadPlatform();
            SimulatedCollateral c = platform.CreateCollateral();
            return c.ToQuoteCollateral();
        }),
    };
}
