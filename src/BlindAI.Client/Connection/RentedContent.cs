using System.Buffers;
using System.Net;

namespace BlindAI.Client.Connection;

/// <summary>
/// A request body in rented memory that goes back to its pool only when nothing can still read it: the request is
/// disposed and no serialization to the connection is in flight (a server may answer before the body is fully sent,
/// and the handler can then finish or abandon the send after the response is already with the caller).
/// </summary>
internal sealed class RentedContent : HttpContent
{
    private readonly IMemoryOwner<byte> _owner;
    private readonly int _length;

    // One reference for the content itself and one for each serialization in flight.
    private int _references = 1;
    private int _disposed;

    public RentedContent(IMemoryOwner<byte> owner)
    {
        _owner = owner;
        _length = owner.Memory.Length;
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _references) == 1)
        {
            // Already released: the memory may be someone else's now.
            Interlocked.Decrement(ref _references);
            throw new ObjectDisposedException(nameof(RentedContent));
        }

        try
        {
            await stream.WriteAsync(_owner.Memory, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Release();
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Release();
        }

        base.Dispose(disposing);
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _owner.Dispose();
        }
    }
}
