using System.Net;
using System.Security.Cryptography;
using System.Text;
using BlindAI.Protocol.Problems;
using BlindAI.Server.Configuration;
using BlindAI.Server.Diagnostics;
using BlindAI.Server.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlindAI.Server.Endpoints;

/// <summary>
/// Guards model management. With a <see cref="BlindAIServerOptions.ManagementTokenSha256"/>: the <c>Authorization: Bearer</c>
/// token's SHA-256 must equal it, compared in constant time (neither content nor length leaks; the host never holds the
/// token). Any caller that presents the token is served: the management address (loopback by default) is the outer
/// layer, and inside an enclave the token is the only guard against the host, which owns the network stack and so its
/// loopback too. Without a token hash: only loopback callers are served, unless the deployer explicitly allowed remote
/// management without a token.
/// </summary>
internal sealed class ManagementAuthorizationFilter : IEndpointFilter
{
    private const string BearerPrefix = "Bearer ";
    private readonly byte[]? _tokenHash;
    private readonly bool _allowRemoteWithoutToken;
    private readonly ILogger _logger;

    public ManagementAuthorizationFilter(IOptions<BlindAIServerOptions> options, ILogger<ManagementAuthorizationFilter> logger)
    {
        // Validated at start-up (BlindAIServerOptionsValidator): 64 hex digits.
        _tokenHash = options.Value.ManagementTokenSha256 is { } hex ? Convert.FromHexString(hex) : null;
        _allowRemoteWithoutToken = options.Value.InsecureAllowRemoteManagementWithoutToken;
        _logger = logger;
    }

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        HttpContext http = context.HttpContext;
        string remote = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (_tokenHash is null)
        {
            if (!_allowRemoteWithoutToken && !(http.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)))
            {
                HostLog.ManagementRefused(_logger, remote, "not loopback and no management token configured");
                throw new HostProblemException(ProblemCode.Forbidden, "Model management is only served to loopback callers on this server.");
            }

            return next(context);
        }

        string? header = http.Request.Headers.Authorization;
        if (header is null || !header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            HostLog.ManagementRefused(_logger, remote, "no bearer token");
            throw new HostProblemException(ProblemCode.Unauthorized, "Model management needs a bearer token.");
        }

        string token = header[BearerPrefix.Length..].Trim();
        if (token.Length == 0)
        {
            HostLog.ManagementRefused(_logger, remote, "empty bearer token");
            throw new HostProblemException(ProblemCode.Unauthorized, "Model management needs a bearer token.");
        }

        byte[] presented = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        if (!CryptographicOperations.FixedTimeEquals(presented, _tokenHash))
        {
            HostLog.ManagementRefused(_logger, remote, "wrong bearer token");
            throw new HostProblemException(ProblemCode.Unauthorized, "The bearer token is not valid for model management.");
        }

        return next(context);
    }
}
