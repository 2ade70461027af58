using System.Buffers;

namespace BlindAI.Server.Endpoints;

/// <summary>A request body in a pooled array (<see cref="RequestBody.ReadRentedAsync"/>). Dispose clears and returns it.</summary>
internal sealed class RentedBody : IDisposable
{
    private readonly ArrayPool<byte> _pool;
    private readonly int _length;
    private byte[]? _array;

    public RentedBody(ArrayPool<byte> pool, byte[] array, int length)
    {
        _pool = pool;
        _array = array;
        _length = length;
    }

    public ReadOnlyMemory<byte> Memory => (_array ?? throw new ObjectDisposedException(nameof(RentedBody))).AsMemory(0, _length);

    public void Dispose()
    {
        if (_array is { } array)
        {
            _array = null;
            array.AsSpan(0, _length).Clear();
            _pool.Return(array);
        }
    }
}
