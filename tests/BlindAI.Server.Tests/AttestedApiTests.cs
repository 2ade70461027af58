using System.Net.Http.Json;
using BlindAI.AttestedApi;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Client.Attestation;
using BlindAI.Enclave.Simulation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace BlindAI.Server.Tests;

/// <summary>
/// The AttestedApi sample, an ordinary minimal API made attestable with BlindAI.Server, started on loopback (simulated
/// TEE) and called from a plain <see cref="HttpClient"/> over <see cref="RaTlsHttpMessageHandler"/>.
/// </summary>
public sealed class AttestedApiTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("blindai-attested-api-").FullName;
    private WebApplication? _app;
    private Uri? _origin;

    private static Measurement SimulatedMrEnclave { get; } = Measurement.FromBytes(new SimulatedSgxEnclave().MrEnclave.Span);

    public async Task InitializeAsync()
    {
        _app = AttestedApiApplication.Build(["--port", "0", "--data-dir", _data, "--insecure-simulation", "true"]);
        await _app.StartAsync(CancellationToken.None);
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _origin = new Uri(address.Replace("http://", "https://", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task The_apps_own_route_is_reached_only_after_the_enclave_is_attested()
    {
        using var handler = new RaTlsHttpMessageHandler(Options(AttestationPolicy.Strict.RequireMrEnclave(SimulatedMrEnclave)));
        using var http = new HttpClient(handler);

        Forecast? forecast = await http.GetFromJsonAsync<Forecast>(new Uri(_origin!, "/weather"), CancellationToken.None);

        Assert.NotNull(forecast);
        Assert.Equal("Mild", forecast.Summary);
        Assert.Equal(21, forecast.TemperatureC);
        Assert.True(handler.TryGetAttestation(_origin!, out AttestationReport? report));
        Assert.Equal(SimulatedMrEnclave, report.Quote.SgxReport?.MrEnclave);
    }

    [Fact]
    public async Task Another_enclave_is_refused_before_the_request_is_sent()
    {
        var other = Measurement.FromBytes(new byte[32]);
        using var handler = new RaTlsHttpMessageHandler(Options(AttestationPolicy.Strict.RequireMrEnclave(other)));
        using var http = new HttpClient(handler);

        AttestationException error = await Assert.ThrowsAsync<AttestationException>(
            () => http.GetAsync(new Uri(_origin!, "/weather"), CancellationToken.None));

        Assert.Equal(AttestationFailureReason.PolicyViolation, error.Reason);
        Assert.False(handler.TryGetAttestation(_origin!, out _));
    }

    private RaTlsHandlerOptions Options(AttestationPolicy policy) => new()
    {
        Policy = policy,
        InsecureSimulationRoot = SimulationRoot.FromFile(Path.Combine(_data, "simulation-root.pem")),
        // The collateral the app's simulated platform signs, as a PCS would serve it for real hardware.
        CollateralProvider = _app!.Services.GetRequiredService<ICollateralProvider>(),
    };
}
