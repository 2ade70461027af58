using System.Diagnostics;
using BlindAI.Inference;
using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;
using BlindAI.SampleHost.Configuration;
using BlindAI.SampleHost.Diagnostics;
using BlindAI.SampleHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace BlindAI.SampleHost.Endpoints;

/// <summary>The attested port (RA-TLS, 9924): <c>POST /run</c>.</summary>
internal static class AttestedEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder group = endpoints.MapGroup(string.Empty)
            .WithMetadata(new ListenerRoleMetadata(ListenerRole.Attested));
        group.MapPost(ProtocolRoutes.Run, RunAsync).WithRequestTimeout(RequestLimits.RunTimeoutPolicy);
    }

    private static async Task<IResult> RunAsync(HttpContext context, IInferenceEngine engine, HostMetrics metrics, IOptions<SampleHostOptions> options)
    {
        long started = Stopwatch.GetTimestamp();
        string outcome = "error";
        try
        {
            CancellationToken cancellationToken = context.RequestAborted;
            // The input tensors alias the body; the engine is done with them when RunAsync returns (ONNX Runtime runs on
            // the calling thread), and the reply is encoded into its own array.
            using RentedBody body = await RequestBody.ReadRentedAsync(context, options.Value.Limits.MaxRunBodyBytes, cancellationToken).ConfigureAwait(false);
            RunModel request = MessageCodec.Default.DecodeRunModel(body.Memory);
            ModelReference model = request.GetModelReference();
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
        }
    }
}
