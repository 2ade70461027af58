using System.Buffers;
using System.IO.Pipelines;
using BlindAI.Protocol.Problems;
using BlindAI.SampleHost.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace BlindAI.SampleHost.Endpoints;

/// <summary>
/// Reads a whole request body up to a per-route limit, refusing larger ones with <c>payload-too-large</c> before they
/// are buffered (from <c>Content-Length</c> when sent, else as soon as the limit is passed). The content type is not
/// checked: the original client sends CBOR without declaring it.
/// </summary>
internal static class RequestBody
{
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpContext context, long limit, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength is long declared && declared > limit)
        {
            throw TooLarge(limit);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            // Kestrel enforces it too, for bodies without Content-Length.
            sizeFeature.MaxRequestBodySize = limit;
        }

        PipeReader reader = context.Request.BodyReader;
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.End);
                throw TooLarge(limit);
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                byte[] body = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return body;
            }

            // Keep everything buffered and wait for more.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static HostProblemException TooLarge(long limit) =>
        new(ProblemCode.PayloadTooLarge, $"The request body is larger than this route accepts ({limit} bytes).");
}
