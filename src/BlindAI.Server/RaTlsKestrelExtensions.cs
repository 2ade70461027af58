using System.Net;
using System.Security.Authentication;
using BlindAI.Server.Attestation;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BlindAI.Server;

/// <summary>Kestrel listeners that serve the enclave's RA-TLS certificate.</summary>
public static class RaTlsKestrelExtensions
{
    /// <summary>
    /// Serves TLS (1.2 or 1.3) on this listener with the server's RA-TLS certificate: its key never leaves the process,
    /// and it carries the quotes that bind it to the enclave. The certificate is looked up on every handshake, so the
    /// renewals of <c>AddBlindAIServer</c>'s renewal service are picked up; an expired one (every renewal failed) fails
    /// the handshake instead of being served.
    /// </summary>
    /// <param name="listenOptions">The listener.</param>
    /// <returns><paramref name="listenOptions"/>.</returns>
    /// <exception cref="InvalidOperationException"><c>AddBlindAIServer</c> was not called.</exception>
    /// <example>
    /// <code>
    /// builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(8443, listen => listen.UseRaTls()));
    /// </code>
    /// </example>
    public static ListenOptions UseRaTls(this ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        IServiceProvider services = listenOptions.ApplicationServices;

        // Checked, not resolved: making the identity needs the TEE, and a missing TEE is reported when the host starts,
        // not while Kestrel is being configured.
        if (services.GetService<IServiceProviderIsService>() is { } registered && !registered.IsService(typeof(ServerIdentity)))
        {
            throw new InvalidOperationException("UseRaTls needs the server's RA-TLS identity: call services.AddBlindAIServer(...) first.");
        }

        return listenOptions.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificateSelector = (_, _) => services.GetRequiredService<ServerIdentity>().Current.Certificate,
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateMode = ClientCertificateMode.NoCertificate,
        });
    }

    /// <summary>
    /// Opens the three listeners of a BlindAI 0.6-compatible server from <see cref="BlindAIServerOptions"/>: the
    /// untrusted port (plain HTTP), the attested port and the management port (both RA-TLS), and applies the
    /// server-wide limits (body size, header and keep-alive timeouts, minimum body data rate).
    /// </summary>
    /// <param name="kestrel">Kestrel's options.</param>
    /// <returns><paramref name="kestrel"/>.</returns>
    /// <example>
    /// <code>
    /// builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenBlindAI());
    /// </code>
    /// </example>
    public static KestrelServerOptions ListenBlindAI(this KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        IServiceProvider services = kestrel.ApplicationServices;
        BlindAIServerOptions options = services.GetRequiredService<IOptions<BlindAIServerOptions>>().Value;
        ListenerEndpoints listeners = services.GetRequiredService<ListenerEndpoints>();
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = Math.Max(options.Limits.MaxUploadBodyBytes, options.Limits.MaxRunBodyBytes);

        // Slow clients (slowloris) lose their connection instead of holding it, and a concurrency slot, indefinitely.
        kestrel.Limits.RequestHeadersTimeout = options.Limits.RequestHeadersTimeout;
        kestrel.Limits.KeepAliveTimeout = options.Limits.KeepAliveTimeout;
        kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(options.Limits.MinRequestBodyDataRate, options.Limits.MinRequestBodyDataRateGracePeriod);
        kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.UntrustedPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listeners.Register(ListenerRole.Untrusted, listen);
        });
        kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.AttestedPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseRaTls();
            listeners.Register(ListenerRole.Attested, listen);
        });
        kestrel.Listen(IPAddress.Parse(options.ManagementListenAddress), options.ManagementPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseRaTls();
            listeners.Register(ListenerRole.Management, listen);
        });
        return kestrel;
    }
}
