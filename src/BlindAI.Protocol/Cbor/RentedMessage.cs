using System.Buffers;

namespace BlindAI.Protocol.Cbor;

/// <summary>
/// An encoded message in an array rented from a pool. Disposing clears the message's bytes (they may hold a model's
/// inputs) before the array goes back, and is safe to repeat.
/// </summary>
internal sealed class RentedMessage : IMemoryOwner<byte>
{
    private readonly ArrayPool<byte> _pool;
    private readonly int _length;
    private byte[]? _array;

    public RentedMessage(ArrayPool<byte> pool, byte[] array, int length)
    {
        _pool = pool;
        _array = array;
        _length = length;
    }

    public Memory<byte> Memory => (_array ?? throw new ObjectDisposedException(nameof(RentedMessage))).AsMemory(0, _length);

    public void Dispose()
    {
        byte[]? array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
        {
            array.AsSpan(0, _length).Clear();
            _pool.Return(array);
        }
    }
}
