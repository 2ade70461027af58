using System.Diagnostics;
using BlindAI.Inference;
using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Server.Configuration;
using BlindAI.Server.Diagnostics;
using BlindAI.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlindAI.Server.Endpoints;

/// <summary>The management port (RA-TLS, 9925, loopback by default): <c>POST /upload</c> and <c>POST /delete</c>.</summary>
internal static class ManagementEndpoints
{
    /// <summary>Maps <c>POST /upload</c> and <c>POST /delete</c>, behind <see cref="ManagementAuthorizationFilter"/>.</summary>
    /// <param name="endpoints">Where to map them.</param>
    /// <param name="server">The full server (its middleware answers problems and applies timeouts), or the application's own pipeline.</param>
    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, bool server)
    {
        endpoints.ServiceProvider.GetRequiredService<MappedRoutes>().ServesModels = true;
        RouteGroupBuilder group = Groups.Create(endpoints, server).AddEndpointFilter<ManagementAuthorizationFilter>();
        RouteHandlerBuilder upload = group.MapPost(ProtocolRoutes.Upload, UploadAsync);
        RouteHandlerBuilder delete = group.MapPost(ProtocolRoutes.Delete, DeleteAsync);
        if (server)
        {
            upload.WithRequestTimeout(RequestLimits.UploadTimeoutPolicy);
            delete.WithRequestTimeout(RequestLimits.DefaultTimeoutPolicy);
        }

        return group;
    }

    private static async Task<IResult> UploadAsync(HttpContext context, IInferenceEngine engine, IOptions<BlindAIServerOptions> options, ILogger<ModelUploadLog> logger)
    {
        using Activity? activity = HostMetrics.StartModelOperation("upload");
        CancellationToken cancellationToken = context.RequestAborted;
        ReadOnlyMemory<byte> body = await RequestBody.ReadAsync(context, options.Value.Limits.MaxUploadBodyBytes, cancellationToken).ConfigureAwait(false);
        UploadModel request = MessageCodec.Default.DecodeUploadModel(body);
        body = default;
        ModelInfo model = await engine.UploadAsync(
            request.Model,
            new ModelUploadOptions { Name = string.IsNullOrEmpty(request.ModelName) ? null : request.ModelName, Optimize = request.Optimize },
            cancellationToken).ConfigureAwait(false);
        HostLog.ModelUploaded(logger, model.Id.Value, model.SizeBytes);
        activity?.SetTag("blindai.model.id", model.Id.ToString()).SetTag("blindai.model.size_bytes", model.SizeBytes);
        byte[] reply = MessageCodec.Default.EncodeSendModelReply(new SendModelReply(model.Hash, model.Id));
        return new CborResult(reply);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, IInferenceEngine engine, IOptions<BlindAIServerOptions> options, ILogger<ModelUploadLog> logger)
    {
        using Activity? activity = HostMetrics.StartModelOperation("delete");
        CancellationToken cancellationToken = context.RequestAborted;
        ReadOnlyMemory<byte> body = await RequestBody.ReadAsync(context, options.Value.Limits.MaxSmallBodyBytes, cancellationToken).ConfigureAwait(false);
        ModelId id = MessageCodec.Default.DecodeDeleteModel(body);
        activity?.SetTag("blindai.model.id", id.ToString());
        await engine.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        HostLog.ModelDeleted(logger, id.Value);
        return new CborResult(MessageCodec.Default.EncodeDeleteModelReply());
    }

    /// <summary>The log category of model management.</summary>
    internal sealed class ModelUploadLog;
}
