using System.Net;
using BlindAI.Client.Models;

namespace BlindAI.Client.Connection;

/// <summary>A request body sent in chunks, reporting progress after each.</summary>
internal sealed class ProgressContent(byte[] body, IProgress<UploadProgress> progress) : HttpContent
{
    private const int ChunkSize = 256 * 1024;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        for (int offset = 0; offset < body.Length; offset += ChunkSize)
        {
            int count = Math.Min(ChunkSize, body.Length - offset);
            await stream.WriteAsync(body.AsMemory(offset, count), cancellationToken).ConfigureAwait(false);
            progress.Report(new UploadProgress(offset + count, body.Length));
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
