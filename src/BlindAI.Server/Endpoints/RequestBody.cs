using System.Buffers;
using System.IO.Pipelines;
using BlindAI.Protocol.Problems;
using BlindAI.Server.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace BlindAI.Server.Endpoints;

/// <summary>
/// Reads a whole request body up to a per-route limit, refusing larger ones with <c>payload-too-large</c> before they
/// are buffered (from <c>Content-Length</c> when sent, else as soon as the limit is passed). The content type is not
/// checked: the original client sends CBOR without declaring it.
/// </summary>
internal static class RequestBody
{
    /// <summary>
    /// The arrays <see cref="ReadRentedAsync"/> lends: up to 4 MiB each (a 224×224 image is 0.6 MB), four per size, so
    /// at most about 32 MiB stay with the pool. Larger bodies get a fresh array that is dropped after use.
    /// </summary>
    private static readonly ArrayPool<byte> RentedBodies = ArrayPool<byte>.Create(4 << 20, 4);

    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpContext context, long limit, CancellationToken cancellationToken)
    {
        ReadOnlySequence<byte> buffer = await ReadAllAsync(context, limit, cancellationToken).ConfigureAwait(false);
        byte[] body = buffer.ToArray();
        context.Request.BodyReader.AdvanceTo(buffer.End);
        return body;
    }

    /// <summary>
    /// Reads like <see cref="ReadAsync"/> into a pooled array: a fresh large array per request costs more than the copy
    /// into it. Dispose the result once nothing uses the body any more; that clears it (it holds a client's inputs).
    /// </summary>
    public static async Task<RentedBody> ReadRentedAsync(HttpContext context, long limit, CancellationToken cancellationToken)
    {
        ReadOnlySequence<byte> buffer = await ReadAllAsync(context, limit, cancellationToken).ConfigureAwait(false);
        int length = checked((int)buffer.Length);
        byte[] array = RentedBodies.Rent(length);
        buffer.CopyTo(array);
        context.Request.BodyReader.AdvanceTo(buffer.End);
        return new RentedBody(RentedBodies, array, length);
    }

    /// <summary>Buffers the whole body in the request's pipe; the caller copies it out and advances the reader.</summary>
    private static async Task<ReadOnlySequence<byte>> ReadAllAsync(HttpContext context, long limit, CancellationToken cancellationToken)
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

            if (result.IsCompleted)
            {
                if (context.Request.ContentLength is long expected && buffer.Length != expected)
                {
                    reader.AdvanceTo(buffer.End);
                    throw new HostProblemException(ProblemCode.BadRequest, $"The request body ended after {buffer.Length} of the {expected} bytes its Content-Length declares.");
                }

                return buffer;
            }

            // Keep everything buffered and wait for more. A cancelled read (Kestrel wakes its readers when the server
            // begins to stop) is not the end of the body: reading on either gets the rest or fails, never a prefix.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static HostProblemException TooLarge(long limit) =>
        new(ProblemCode.PayloadTooLarge, $"The request body is larger than this route accepts ({limit} bytes).");
}
