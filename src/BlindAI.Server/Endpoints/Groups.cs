using BlindAI.Server.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BlindAI.Server.Endpoints;

/// <summary>The route groups of the server.</summary>
internal static class Groups
{
    /// <summary>
    /// A group at the root. Outside the full server the problem filter comes first, so it also answers what the group's
    /// later filters (management authorization) refuse.
    /// </summary>
    public static RouteGroupBuilder Create(IEndpointRouteBuilder endpoints, bool server)
    {
        RouteGroupBuilder group = endpoints.MapGroup(string.Empty);
        return server ? group : group.AddEndpointFilter<ProblemEndpointFilter>();
    }
}
