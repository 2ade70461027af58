using System.Collections.Immutable;
using System.Reflection;
using BlindAI.Enclave.RaTls;
using BlindAI.Inference;
using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Problems;
using BlindAI.Protocol.Tensors;
using BlindAI.SampleHost.Attestation;
using BlindAI.SampleHost.Configuration;
using BlindAI.SampleHost.Diagnostics;
using BlindAI.SampleHost.Hosting;
using BlindAI.SampleHost.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace BlindAI.SampleHost.Endpoints;

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

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder group = endpoints.MapGroup(string.Empty)
            .WithMetadata(new ListenerRoleMetadata(ListenerRole.Untrusted));
        group.WithRequestTimeout(RequestLimits.DefaultTimeoutPolicy);
        group.MapGet(ProtocolRoutes.Certificate, (ServerIdentity identity, HostMetrics metrics) =>
        {
            metrics.RecordAttestation("certificate");
            return new CborResult(identity.Current.CertificateBody);
        });
        group.MapGet(ProtocolRoutes.Quote, (ServerIdentity identity, HostMetrics metrics) =>
        {
            metrics.RecordAttestation("quote");
            return new CborResult(identity.Current.QuoteBody);
        });
        group.MapGet(ProtocolRoutes.Collateral, GetCollateralAsync);
        group.MapPost(ProtocolRoutes.Evidence, GetFreshEvidenceAsync);
        group.MapGet(ProtocolRoutes.Version, GetCapabilities);
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
        metrics.RecordAttestation("collateral");
        ICollateralSource source = platform.Collateral
            ?? throw new HostProblemException(ProblemCode.AttestationUnavailable, "No collateral source (PCS or PCCS) is configured on this server; verifiers must fetch collateral themselves.");
        CollateralSnapshot snapshot = await source.GetCollateralAsync(identity.Current.Quote, context.RequestAborted).ConfigureAwait(false);
        return new CborResult(MessageCodec.Default.EncodeCollateral(snapshot.Collateral));
    }

    private static async Task<IResult> GetFreshEvidenceAsync(
        HttpContext context, ServerIdentity identity, EvidencePlatform platform, FreshQuoteService freshQuotes, HostMetrics metrics, IOptions<SampleHostOptions> options)
    {
        metrics.RecordAttestation("evidence");
        ReadOnlyMemory<byte> body = await RequestBody.ReadAsync(context, options.Value.Limits.MaxSmallBodyBytes, context.RequestAborted).ConfigureAwait(false);
        ReadOnlyMemory<byte> nonce = MessageCodec.Default.DecodeFreshEvidenceRequest(body);
        byte[] quote = await freshQuotes.GetFreshQuoteAsync(identity.Current.Certificate, nonce, context.RequestAborted).ConfigureAwait(false);
        return new CborResult(MessageCodec.Default.EncodeFreshEvidenceReply(new FreshEvidenceReply(platform.EvidenceFormat, quote, nonce)));
    }

    private static CborResult GetCapabilities(IOptions<SampleHostOptions> options, IOptions<InferenceEngineOptions> engineOptions)
    {
        SampleHostOptions host = options.Value;
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
