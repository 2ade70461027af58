using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using BlindAI.Attestation.Collateral;
using BlindAI.Enclave.RaTls;
using BlindAI.Inference;
using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Problems;
using BlindAI.Protocol.Tensors;
using BlindAI.Server.Attestation;
using BlindAI.Server.Configuration;
using BlindAI.Server.Diagnostics;
using BlindAI.Server.Hosting;
using BlindAI.Server.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace BlindAI.Server.Endpoints;

/// <summary>
/// The untrusted port (plain HTTP, 9923): what a client needs before it trusts the server (certificate, quote,
/// collateral, fresh nonce-bound evidence, capabilities), and liveness/readiness for orchestrators.
/// </summary>
internal static class UntrustedEndpoints
{
    /// <summary>Liveness: the process serves requests.</summary>
    public const string Live = "/healthz";

    /// <summary>Readiness: the attested identity exists and the host is not shutting down.</summary>
    public const string Ready = "/readyz";

    /// <summary>The evidence routes: certificate, quote, collateral, fresh evidence, capabilities.</summary>
    /// <param name="endpoints">Where to map them.</param>
    /// <param name="server">The full server (its middleware answers problems), or the application's own pipeline.</param>
    public static RouteGroupBuilder MapEvidence(IEndpointRouteBuilder endpoints, bool server)
    {
        RouteGroupBuilder group = Groups.Create(endpoints, server);
        group.MapGet(ProtocolRoutes.Certificate, (ServerIdentity identity, HostMetrics metrics) =>
        {
            using Activity? activity = metrics.StartAttestation("certificate");
            return new CborResult(identity.Current.CertificateBody);
        });
        group.MapGet(ProtocolRoutes.Quote, (ServerIdentity identity, HostMetrics metrics) =>
        {
            using Activity? activity = metrics.StartAttestation("quote");
            return new CborResult(identity.Current.QuoteBody);
        });
        group.MapGet(ProtocolRoutes.Collateral, GetCollateralAsync);
        group.MapPost(ProtocolRoutes.Evidence, GetFreshEvidenceAsync);
        group.MapGet(ProtocolRoutes.Version, GetCapabilities);
        return group;
    }

    /// <summary>Liveness and readiness, for orchestrators.</summary>
    public static void MapHealth(IEndpointRouteBuilder group)
    {
        // An expired certificate (every renewal failed) fails liveness too: a restart makes a new identity or fails loudly.
        group.MapGet(Live, (ServerIdentity identity) => identity.HasExpired
            ? throw new HostProblemException(ProblemCode.AttestationUnavailable, "The server's RA-TLS certificate expired and could not be renewed.")
            : Results.Text("live"));
        group.MapGet(Ready, (ServerIdentity identity, ShutdownState shutdown) =>
            identity.IsReady && !shutdown.IsStopping
                ? Results.Text("ready")
                : throw new HostProblemException(
                    identity.HasExpired ? ProblemCode.AttestationUnavailable : ProblemCode.Busy,
                    shutdown.IsStopping ? "The server is shutting down." : identity.HasExpired ? "The server's RA-TLS certificate expired and could not be renewed." : "The server is starting."));
    }

    private static async Task<IResult> GetCollateralAsync(HttpContext context, ServerIdentity identity, EvidencePlatform platform, HostMetrics metrics)
    {
        using Activity? activity = metrics.StartAttestation("collateral");
        ICollateralProvider provider = platform.Collateral
            ?? throw new HostProblemException(ProblemCode.AttestationUnavailable, "No collateral source (PCS or PCCS) is configured on this server; verifiers must fetch collateral themselves.");
        SgxCollateral collateral = await ServedCollateral.GetAsync(provider, identity.Current.Quote, context.RequestAborted).ConfigureAwait(false);
        return new CborResult(MessageCodec.Default.EncodeCollateral(collateral));
    }

    private static async Task<IResult> GetFreshEvidenceAsync(
        HttpContext context, ServerIdentity identity, EvidencePlatform platform, FreshQuoteService freshQuotes, HostMetrics metrics, IOptions<BlindAIServerOptions> options)
    {
        using Activity? activity = metrics.StartAttestation("evidence");
        ReadOnlyMemory<byte> body = await RequestBody.ReadAsync(context, options.Value.Limits.MaxSmallBodyBytes, context.RequestAborted).ConfigureAwait(false);
        ReadOnlyMemory<byte> nonce = MessageCodec.Default.DecodeFreshEvidenceRequest(body);
        byte[] quote = await freshQuotes.GetFreshQuoteAsync(identity.Current.Certificate, nonce, context.RequestAborted).ConfigureAwait(false);
        return new CborResult(MessageCodec.Default.EncodeFreshEvidenceReply(new FreshEvidenceReply(platform.EvidenceFormat, quote, nonce)));
    }

    private static CborResult GetCapabilities(IOptions<BlindAIServerOptions> options, IOptions<InferenceEngineOptions> engineOptions)
    {
        BlindAIServerOptions host = options.Value;
        ImmutableArray<string> extensions =
        [
            ServerCapabilities.FreshEvidenceExtension,
            ServerCapabilities.ProblemDetailsExtension,
            ServerCapabilities.HalfPrecisionTensorsExtension,
            ServerCapabilities.StringTensorsExtension,
            .. host.ManagementTokenSha256 is null ? Array.Empty<string>() : [ServerCapabilities.ManagementAuthorizationExtension],
        ];
        ImmutableArray<string> datumTypes = ServerCapabilities.SupportedDatumTypes;
        var capabilities = new ServerCapabilities(
            "BlindAI.SampleHost",
            typeof(UntrustedEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0",
            ServerCapabilities.BaseProtocol,
            extensions,
            datumTypes,
            (ulong)host.Limits.MaxRunBodyBytes,
            (ulong)Math.Min(engineOptions.Value.MaxModelBytes, host.Limits.MaxUploadBodyBytes),
            host.Simulation);
        return new CborResult(MessageCodec.Default.EncodeServerCapabilities(capabilities));
    }
}
