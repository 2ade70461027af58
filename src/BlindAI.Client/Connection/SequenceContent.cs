using System.Buffers;
using System.Net;

namespace BlindAI.Client.Connection;

/// <summary>
/// A request body held as a sequence (framing and the caller's tensor memory, <c>EncodeRunModelReferencing</c>), written
/// chunk by chunk: the connection buffers the small framing pieces and sends large tensors straight from their arrays.
/// </summary>
internal sealed class SequenceContent(ReadOnlySequence<byte> body) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        foreach (ReadOnlyMemory<byte> chunk in body)
        {
            await stream.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = body.Length;
        return true;
    }
}
