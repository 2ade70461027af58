using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BlindAI.Enclave.Simulation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlindAI.HardwareEmulator.Pcs;

/// <summary>
/// An Intel PCS API v4 look-alike for the emulated platform, on <c>https://127.0.0.1:PORT/</c>: the same routes, query
/// parameters, status codes and issuer-chain headers (percent-encoded PEM, issuer first, root last) as
/// api.trustedservices.intel.com, with the PCCS root CA CRL route and the root CRL at the path of Intel's distribution
/// point. Everything is signed by the simulated PKI, so it verifies only against the emulator's simulation root.
/// </summary>
internal sealed class PcsLookAlike : IAsyncDisposable
{
    public const string TcbInfoIssuerChainHeader = "TCB-Info-Issuer-Chain";
    public const string EnclaveIdentityIssuerChainHeader = "SGX-Enclave-Identity-Issuer-Chain";
    public const string PckCrlIssuerChainHeader = "SGX-PCK-CRL-Issuer-Chain";

    /// <summary>Where Intel publishes the root CA CRL (certificates.trustedservices.intel.com); served here too.</summary>
    public const string RootCaCrlDistributionPath = "/IntelSGXRootCA.der";

    private readonly WebApplication _app;

    private PcsLookAlike(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>The base address, <c>https://127.0.0.1:PORT/</c>, to give a PCCS or PCS client.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Starts serving on 127.0.0.1:<paramref name="port"/> (0: any free port).</summary>
    public static async Task<PcsLookAlike> StartAsync(EmulatedPlatform platform, X509Certificate2 tlsCertificate, int port, ILogger logger, CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddLogging();
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(tlsCertificate)));

        WebApplication app = builder.Build();
        app.Use(async (context, next) =>
        {
            await next(context).ConfigureAwait(false);
            EmulatorLog.PcsRequest(logger, context.Request.Method, context.Request.Path + context.Request.QueryString, context.Response.StatusCode);
        });
        var routes = new Routes(platform);
        app.MapGet("/sgx/certification/v4/tcb", context => routes.TcbInfo(context, tdx: false));
        app.MapGet("/tdx/certification/v4/tcb", context => routes.TcbInfo(context, tdx: true));
        app.MapGet("/sgx/certification/v4/qe/identity", context => routes.QeIdentity(context, tdx: false));
        app.MapGet("/tdx/certification/v4/qe/identity", context => routes.QeIdentity(context, tdx: true));
        app.MapGet("/sgx/certification/v4/pckcrl", routes.PckCrl);
        app.MapGet("/sgx/certification/v4/rootcacrl", routes.PccsRootCaCrl);
        app.MapGet(RootCaCrlDistributionPath, routes.RootCaCrl);

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var bound = new Uri(address);
        return new PcsLookAlike(app, new Uri($"https://127.0.0.1:{bound.Port}/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Intel sends each issuer chain as percent-encoded PEM (RFC 3986: everything but unreserved characters).</summary>
    internal static string EncodeChain(string pem) => Uri.EscapeDataString(pem);

    private sealed class Routes(EmulatedPlatform platform)
    {
        private string FmspcHex => Convert.ToHexStringLower(platform.Tcb.Fmspc.Span);

        public Task TcbInfo(HttpContext context, bool tdx)
        {
            string? fmspc = context.Request.Query["fmspc"];
            if (fmspc is null || fmspc.Length != 12 || !IsHex(fmspc) || !IsValidUpdate(context))
            {
                return Status(context, StatusCodes.Status400BadRequest);
            }

            // PCS knows TCB Info for the FMSPCs it has; this platform has one.
            if (!string.Equals(fmspc, FmspcHex, StringComparison.OrdinalIgnoreCase))
            {
                return Status(context, StatusCodes.Status404NotFound);
            }

            SimulatedCollateral collateral = platform.Collateral(tdx);
            return Json(context, collateral.ToPcsTcbInfoResponse(), TcbInfoIssuerChainHeader, collateral.TcbInfoIssuerChain);
        }

        public Task QeIdentity(HttpContext context, bool tdx)
        {
            if (!IsValidUpdate(context))
            {
                return Status(context, StatusCodes.Status400BadRequest);
            }

            SimulatedCollateral collateral = platform.Collateral(tdx);
            return Json(context, collateral.ToPcsQeIdentityResponse(), EnclaveIdentityIssuerChainHeader, collateral.QeIdentityIssuerChain);
        }

        public Task PckCrl(HttpContext context)
        {
            string? ca = context.Request.Query["ca"];
            string? encoding = context.Request.Query["encoding"];
            bool known = string.Equals(ca, "platform", StringComparison.OrdinalIgnoreCase) || string.Equals(ca, "processor", StringComparison.OrdinalIgnoreCase);
            if (!known || encoding is not (null or "der" or "pem"))
            {
                return Status(context, StatusCodes.Status400BadRequest);
            }

            // The simulated PKI has a PCK Platform CA only (its PCK certificate is platform-issued).
            if (!string.Equals(ca, "platform", StringComparison.OrdinalIgnoreCase))
            {
                return Status(context, StatusCodes.Status404NotFound);
            }

            SimulatedCollateral collateral = platform.Collateral(tdx: false);
            context.Response.Headers[PckCrlIssuerChainHeader] = EncodeChain(collateral.PckCrlIssuerChain);
            return encoding == "der"
                ? Body(context, "application/pkix-crl", collateral.PckCrl.ToArray())
                : Body(context, "application/x-pem-file", Encoding.ASCII.GetBytes(PemEncoding.WriteString("X509 CRL", collateral.PckCrl.Span) + "\n"));
        }

        /// <summary>Intel's PCCS answers <c>/rootcacrl</c> with the DER CRL as hex text (its "backward compatibility" form).</summary>
        public Task PccsRootCaCrl(HttpContext context) =>
            Body(context, "text/plain; charset=utf-8", Encoding.ASCII.GetBytes(Convert.ToHexStringLower(platform.Collateral(tdx: false).RootCaCrl.Span)));

        public Task RootCaCrl(HttpContext context) =>
            Body(context, "application/pkix-crl", platform.Collateral(tdx: false).RootCaCrl.ToArray());

        private static bool IsValidUpdate(HttpContext context) => (string?)context.Request.Query["update"] is null or "early" or "standard";

        private static bool IsHex(string text) => text.AsSpan().IndexOfAnyExcept("0123456789abcdefABCDEF") < 0;

        private static Task Json(HttpContext context, string body, string chainHeader, string chain)
        {
            context.Response.Headers[chainHeader] = EncodeChain(chain);
            return Body(context, "application/json", Encoding.UTF8.GetBytes(body));
        }

        private static Task Body(HttpContext context, string contentType, byte[] body)
        {
            context.Response.Headers["Request-ID"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            context.Response.ContentType = contentType;
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
        }

        private static Task Status(HttpContext context, int status)
        {
            context.Response.Headers["Request-ID"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
    }
}
