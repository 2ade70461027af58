using System.Diagnostics;
using BlindAI.Inference;
using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;
using BlindAI.Server.Configuration;
using BlindAI.Server.Diagnostics;
using BlindAI.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BlindAI.Server.Endpoints;

/// <summary>The attested port (RA-TLS, 9924): <c>POST /run</c>.</summary>
internal static class AttestedEndpoints
{
    /// <summary>Maps <c>POST /run</c>.</summary>
    /// <param name="endpoints">Where to map it.</param>
    /// <param name="server">The full server (its middleware answers problems and applies timeouts), or the application's own pipeline.</param>
    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, bool server)
    {
        endpoints.ServiceProvider.GetRequiredService<MappedRoutes>().ServesModels = true;
        RouteGroupBuilder group = Groups.Create(endpoints, server);
        RouteHandlerBuilder run = group.MapPost(ProtocolRoutes.Run, RunAsync);
        if (server)
        {
            run.WithRequestTimeout(RequestLimits.RunTimeoutPolicy);
        }

        return group;
    }

    private static async Task<IResult> RunAsync(HttpContext context, IInferenceEngine engine, HostMetrics metrics, IOptions<BlindAIServerOptions> options)
    {
        long started = Stopwatch.GetTimestamp();
        using Activity? activity = HostMetrics.StartModelOperation("run");
        string outcome = "error";
        try
        {
            CancellationToken cancellationToken = context.RequestAborted;
            // The input tensors alias the body; the engine is done with them when RunAsync returns (ONNX Runtime runs on
            // the calling thread), and the reply is encoded into its own array.
            using RentedBody body = await RequestBody.ReadRentedAsync(context, options.Value.Limits.MaxRunBodyBytes, cancellationToken).ConfigureAwait(false);
            RunModel request = MessageCodec.Default.DecodeRunModel(body.Memory);
            ModelReference model = request.GetModelReference();
            activity?.SetTag("blindai.model.id", model.Id?.ToString()).SetTag("blindai.model.sha256", model.Hash?.ToString());
            IReadOnlyList<Tensor> outputs = await engine.RunAsync(model, request.Inputs, cancellationToken).ConfigureAwait(false);
            byte[] reply = MessageCodec.Default.EncodeRunModelReply(RunModelReply.FromTensors(outputs));
            outcome = "ok";
            return new CborResult(reply);
        }
        catch (InferenceException) when (context.RequestAborted.IsCancellationRequested)
        {
            // ONNX Runtime was terminated because the route's timeout (or the client) cancelled the run: report the
            // cancellation, which the timeout middleware answers with request-timeout.
            outcome = "cancelled";
            throw new OperationCanceledException(context.RequestAborted);
        }
        finally
        {
            metrics.RecordInference(Stopwatch.GetElapsedTime(started), outcome);
            activity?.SetTag("blindai.outcome", outcome);
        }
    }
}
