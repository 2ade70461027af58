using BlindAI.Inference;
using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.SampleHost.Configuration;
using BlindAI.SampleHost.Diagnostics;
using BlindAI.SampleHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlindAI.SampleHost.Endpoints;

/// <summary>The management port (RA-TLS, 9925, loopback by default): <c>POST /upload</c> and <c>POST /delete</c>.</summary>
internal static class ManagementEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder group = endpoints.MapGroup(string.Empty)
            .WithMetadata(new ListenerRoleMetadata(ListenerRole.Management))
            .AddEndpointFilter<ManagementAuthorizationFilter>();
        group.MapPost(ProtocolRoutes.Upload, UploadAsync).WithRequestTimeout(RequestLimits.UploadTimeoutPolicy);
        group.MapPost(ProtocolRoutes.Delete, DeleteAsync).WithRequestTimeout(RequestLimits.DefaultTimeoutPolicy);
    }

    private static async Task<IResult> UploadAsync(HttpContext context, IInferenceEngine engine, IOptions<SampleHostOptions> options, ILogger<ModelUploadLog> logger)
    {
        CancellationToken cancellationToken = context.RequestAborted;
        ReadOnlyMemory<byte> body = await RequestBody.ReadAsync(context, options.Value.Limits.MaxUploadBodyBytes, cancellationToken).ConfigureAwait(false);
        UploadModel request = MessageCodec.Default.DecodeUploadModel(body);
        body = default;
        ModelInfo model = await engine.UploadAsync(
            request.Model,
            new ModelUploadOptions { Name = string.IsNullOrEmpty(request.ModelName) ? null : request.ModelName, Optimize = request.Optimize },
            cancellationToken).ConfigureAwait(false);
        HostLog.ModelUploaded(logger, model.Id.Value, model.SizeBytes);
        byte[] reply = MessageCodec.Default.EncodeSendModelReply(new SendModelReply(model.Hash, model.Id));
        return new CborResult(reply);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, IInferenceEngine engine, IOptions<SampleHostOptions> options, ILogger<ModelUploadLog> logger)
    {
        CancellationToken cancellationToken = context.RequestAborted;
        ReadOnlyMemory<byte> body = await RequestBody.ReadAsync(context, options.Value.Limits.MaxSmallBodyBytes, cancellationToken).ConfigureAwait(false);
        ModelId id = MessageCodec.Default.DecodeDeleteModel(body);
        await engine.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        HostLog.ModelDeleted(logger, id.Value);
        return new CborResult(MessageCodec.Default.EncodeDeleteModelReply());
    }

    /// <summary>The log category of model management.</summary>
    internal sealed class ModelUploadLog;
}
