using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlindAI.Testing;

/// <summary>
/// A man in the middle on the untrusted (plain HTTP) port: forwards to the real host and lets the test rewrite any
/// response body, given the path and the request body, as an attacker on the network could.
/// </summary>
public sealed class UntrustedInterceptor : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;

    private UntrustedInterceptor(WebApplication app, HttpClient upstream)
    {
        _app = app;
        _upstream = upstream;
        Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
    }

    public int Port { get; }

    /// <summary>Rewrites a response: (path, request body, upstream response body) → body to send.</summary>
    public Func<string, byte[], byte[], byte[]>? Rewrite { get; set; }

    /// <summary>Paths answered 404, as a server without them would.</summary>
    public ISet<string> HiddenPaths { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Whether to forward the upstream <c>Server</c> header.</summary>
    public bool ForwardServerHeader { get; set; } = true;

    public static async Task<UntrustedInterceptor> StartAsync(int upstreamPort)
    {
        var upstream = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{upstreamPort}") };
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();
        UntrustedInterceptor? self = null;
        app.Run(async context =>
        {
            if (self!.HiddenPaths.Contains(context.Request.Path.Value ?? ""))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            byte[] requestBody = body.ToArray();
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path.Value);
            if (requestBody.Length > 0)
            {
                request.Content = new ByteArrayContent(requestBody);
                request.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType);
            }

            using HttpResponseMessage response = await upstream.SendAsync(request);
            byte[] responseBody = await response.Content.ReadAsByteArrayAsync();
            context.Response.StatusCode = (int)response.StatusCode;
            if (response.Content.Headers.ContentType is { } type)
            {
                context.Response.ContentType = type.ToString();
            }

            if (self!.ForwardServerHeader && response.Headers.TryGetValues("Server", out var servers))
            {
                context.Response.Headers.Server = servers.First();
            }

            byte[] sent = self.Rewrite?.Invoke(context.Request.Path.Value ?? "", requestBody, responseBody) ?? responseBody;
            await context.Response.Body.WriteAsync(sent);
        });
        await app.StartAsync();
        self = new UntrustedInterceptor(app, upstream);
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
