using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlindAI.Attestation.Tests.Collateral;

/// <summary>
/// A PCS/PCCS look-alike on loopback serving the real automata-dcap-rs collateral files with the real response shapes:
/// raw bodies, URL-percent-encoded PEM issuer chains in the PCS headers, the root CA CRL as DER (PCS distribution
/// point) or hex text (PCCS).
/// </summary>
internal sealed class PcsTestServer : IAsyncDisposable
{
    public const string SgxFmspc = "00606a000000";
    public const string TdxFmspc = "00806f050000";
    public const string FmspcWithoutHeaders = "0000000000ff";

    private readonly WebApplication app;

    private PcsTestServer(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Requests per path (with query), to observe caching.</summary>
    public ConcurrentDictionary<string, int> Requests { get; } = new();

    /// <summary>The last API key header value received.</summary>
    public string? LastApiKey { get; private set; }

    public int Count(string pathPrefix) => Requests.Where(r => r.Key.StartsWith(pathPrefix, StringComparison.Ordinal)).Sum(r => r.Value);

    public static async Task<PcsTestServer> StartAsync(X509Certificate2? httpsCertificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (httpsCertificate is not null)
            {
                listen.UseHttps(httpsCertificate);
            }
        }));
        var app = builder.Build();
        PcsTestServer? server = null;
        app.Use(async (context, next) =>
        {
            server!.Requests.AddOrUpdate(context.Request.Path + context.Request.QueryString, 1, (_, n) => n + 1);
            if (context.Request.Headers.TryGetValue("Ocp-Apim-Subscription-Key", out var key))
            {
                server.LastApiKey = key;
            }

            await next(context);
        });

        var tcbChain = Uri.EscapeDataString(CollateralVectors.AutomataText("tcb_signing_cert.pem"));
        var pckCrlChain = Uri.EscapeDataString(CollateralVectors.AutomataPckCrlIssuerChain());
        app.MapGet("/{tee}/certification/v4/tcb", (HttpContext context, string tee, string fmspc) =>
        {
            var file = (tee, fmspc) switch
            {
                ("sgx", SgxFmspc) => "tcbinfov2.json",
                ("tdx", TdxFmspc) => "tcbinfov3_00806f050000.json",
                (_, FmspcWithoutHeaders) => "tcbinfov2.json",
                _ => null,
            };
            if (file is null)
            {
                context.Response.Headers["Error-Code"] = "NotFound";
                return Results.NotFound();
            }

            if (fmspc != FmspcWithoutHeaders)
            {
                context.Response.Headers["TCB-Info-Issuer-Chain"] = tcbChain;
            }

            return Results.Bytes(CollateralVectors.Automata(file), "application/json");
        });
        app.MapGet("/{tee}/certification/v4/qe/identity", (HttpContext context, string tee) =>
        {
            context.Response.Headers["SGX-Enclave-Identity-Issuer-Chain"] = tcbChain;
            return Results.Bytes(CollateralVectors.Automata(tee == "tdx" ? "qeidentityv2_apiv4.json" : "qeidentityv2.json"), "application/json");
        });
        app.MapGet("/sgx/certification/v4/pckcrl", (HttpContext context, string ca, string? encoding) =>
        {
            if (ca != "platform" || encoding != "der")
            {
                return Results.NotFound();
            }

            context.Response.Headers["SGX-PCK-CRL-Issuer-Chain"] = pckCrlChain;
            return Results.Bytes(CollateralVectors.Automata("pck_platform_crl.der"), "application/pkix-crl");
        });
        app.MapGet("/IntelSGXRootCA.der", () => Results.Bytes(CollateralVectors.Automata("intel_root_ca_crl.der"), "application/pkix-crl"));
        app.MapGet("/sgx/certification/v4/rootcacrl", () => Results.Text(Convert.ToHexStringLower(CollateralVectors.Automata("intel_root_ca_crl.der"))));

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server = new PcsTestServer(app, new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal) + "/"));
        return server;
    }

    /// <summary>A self-signed ECDSA server certificate for 127.0.0.1, as a default PCCS install has.</summary>
    public static X509Certificate2 CreateSelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=pccs.test", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
