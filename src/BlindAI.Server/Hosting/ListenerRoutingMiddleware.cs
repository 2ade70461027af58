using BlindAI.Protocol;
using BlindAI.Server.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace BlindAI.Server.Hosting;

/// <summary>
/// Runs after routing: keeps an endpoint only when the request arrived on that endpoint's listener (so <c>/run</c> is
/// unknown on the untrusted port, as in the original), drops ASP.NET Core's 405 endpoints (the original answers 404),
/// and sets the <c>Server</c> header the original client inspects.
/// </summary>
internal sealed class ListenerRoutingMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ListenerEndpoints _listeners;
    private readonly string _serverHeader;

    public ListenerRoutingMiddleware(RequestDelegate next, ListenerEndpoints listeners, IOptions<BlindAIServerOptions> options)
    {
        _next = next;
        _listeners = listeners;
        _serverHeader = options.Value.Simulation ? ProtocolRoutes.SimulationServerHeader : ProtocolRoutes.ServerHeader;
    }

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.Headers.Server = _serverHeader;
        Endpoint? endpoint = context.GetEndpoint();
        if (endpoint is not null)
        {
            ListenerRole? required = endpoint.Metadata.GetMetadata<ListenerRoleMetadata>()?.Role;
            if (required is null || required != _listeners.RoleOf(context.Connection.LocalPort))
            {
                context.SetEndpoint(null);
            }
        }

        return _next(context);
    }
}
