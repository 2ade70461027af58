using BlindAI.Server.Endpoints;
using BlindAI.Server.Hosting;
using BlindAI.Server.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BlindAI.Server;

/// <summary>Maps the BlindAI routes: the whole 0.6-compatible server, or one group into an application's own routes.</summary>
public static class BlindAIEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves a BlindAI 0.6-compatible server on the three listeners of <see cref="RaTlsKestrelExtensions.ListenBlindAI"/>:
    /// the evidence routes and <c>/healthz</c>, <c>/readyz</c> on the untrusted port, <c>POST /run</c> on the attested
    /// port, <c>POST /upload</c> and <c>POST /delete</c> on the management port, each only on its own port (as the
    /// original server: a route asked on another port is not found). Adds the pipeline the protocol needs: problem
    /// responses for every failure, bounded concurrency per listener (503 with <c>Retry-After</c>), request timeouts
    /// per route, the <c>Server</c> header the original client reads.
    /// </summary>
    /// <param name="app">The application (routes and middleware both are added).</param>
    /// <returns><paramref name="app"/>.</returns>
    /// <example>
    /// <code>
    /// builder.Services.AddBlindAIServer(builder.Configuration.GetSection("BlindAI"));
    /// builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenBlindAI());
    /// WebApplication app = builder.Build();
    /// app.MapBlindAI();
    /// </code>
    /// </example>
    public static WebApplication MapBlindAI(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRouting();
        app.UseMiddleware<ListenerRoutingMiddleware>();
        app.UseMiddleware<ProblemMiddleware>();
        app.UseMiddleware<ConcurrencyLimitMiddleware>();
        app.UseRequestTimeouts();
        RouteGroupBuilder untrusted = UntrustedEndpoints.MapEvidence(app, server: true);
        untrusted.WithMetadata(new ListenerRoleMetadata(ListenerRole.Untrusted)).WithRequestTimeout(RequestLimits.DefaultTimeoutPolicy);
        UntrustedEndpoints.MapHealth(untrusted);
        AttestedEndpoints.Map(app, server: true).WithMetadata(new ListenerRoleMetadata(ListenerRole.Attested));
        ManagementEndpoints.Map(app, server: true).WithMetadata(new ListenerRoleMetadata(ListenerRole.Management));
        return app;
    }

    /// <summary>
    /// Makes an application attestable: <c>GET /</c> (the RA-TLS certificate), <c>GET /quote</c>,
    /// <c>GET /collateral</c>, <c>POST /evidence</c> (a fresh quote over the certificate's key and a client nonce) and
    /// <c>GET /version</c>, on whatever listener the application serves them. Serve the application itself over
    /// <see cref="RaTlsKestrelExtensions.UseRaTls"/> so clients that verified the evidence talk to this enclave.
    /// </summary>
    /// <param name="endpoints">The application's routes.</param>
    /// <returns>The group, for more conventions (authorization, a prefix is not supported by clients).</returns>
    /// <example>
    /// <code>
    /// app.MapAttestationEvidence();
    /// </code>
    /// </example>
    public static RouteGroupBuilder MapAttestationEvidence(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return UntrustedEndpoints.MapEvidence(endpoints, server: false);
    }

    /// <summary>Maps <c>POST /run</c> (BlindAI's inference on the uploaded models) into an application's routes.</summary>
    /// <param name="endpoints">The application's routes.</param>
    /// <returns>The group.</returns>
    public static RouteGroupBuilder MapInference(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return AttestedEndpoints.Map(endpoints, server: false);
    }

    /// <summary>
    /// Maps <c>POST /upload</c> and <c>POST /delete</c> into an application's routes, guarded as the full server guards
    /// them (<see cref="BlindAIServerOptions.ManagementTokenSha256"/>, else loopback callers only).
    /// </summary>
    /// <param name="endpoints">The application's routes.</param>
    /// <returns>The group.</returns>
    public static RouteGroupBuilder MapModelManagement(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return ManagementEndpoints.Map(endpoints, server: false);
    }
}
