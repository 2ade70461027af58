using System.Net;
using System.Text.Json.Serialization;
using BlindAI.Server;

namespace BlindAI.AttestedApi;

/// <summary>
/// An ordinary minimal-API service (its own route, its own JSON) made attestable: served over RA-TLS, with the
/// evidence routes a client verifies before it sends anything. The lines marked "attestable" are all it takes.
/// </summary>
public static class AttestedApiApplication
{
    /// <summary>Builds the service.</summary>
    /// <param name="args">
    /// <c>--port N</c> (default 8443; 0 picks a free port), <c>--data-dir DIR</c>, and <c>--insecure-simulation</c>:
    /// a simulated TEE that protects nothing, for a demonstration on a machine without SGX or TDX.
    /// </param>
    /// <returns>The application, not started.</returns>
    public static WebApplication Build(string[] args)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, WeatherJson.Default));
        int port = builder.Configuration.GetValue("port", 8443);

        // Attestable, 1 of 3: the enclave's RA-TLS identity and evidence (Intel PCS collateral on real hardware).
        bool insecureSimulation = builder.Configuration.GetValue("insecure-simulation", false);
        builder.Services.AddBlindAIServer(options =>
        {
            options.Simulation = insecureSimulation;
            options.CollateralSource = insecureSimulation ? CollateralSourceKind.None : CollateralSourceKind.IntelPcs;
            options.DataDirectory = builder.Configuration["data-dir"] ?? "attested-api-data";
        });

        // Attestable, 2 of 3: the service's one port serves the enclave's RA-TLS certificate.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseRaTls()));
        WebApplication app = builder.Build();

        // Attestable, 3 of 3: GET /, /quote, /collateral, /version and POST /evidence, next to the service's own routes.
        app.MapAttestationEvidence();

        app.MapGet("/weather", () => new Forecast(DateOnly.FromDateTime(DateTime.UtcNow), 21, "Mild"));
        return app;
    }
}

/// <summary>The service's own reply.</summary>
/// <param name="Date">The day.</param>
/// <param name="TemperatureC">Degrees Celsius.</param>
/// <param name="Summary">In words.</param>
public sealed record Forecast(DateOnly Date, int TemperatureC, string Summary);

/// <summary>The service's JSON (source-generated, as a trimmed minimal API wants it).</summary>
[JsonSerializable(typeof(Forecast))]
internal sealed partial class WeatherJson : JsonSerializerContext;
