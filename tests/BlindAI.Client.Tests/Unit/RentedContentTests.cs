using System.Buffers;
using BlindAI.Client.Connection;

namespace BlindAI.Client.Tests.Unit;

/// <summary>The rented request body goes back to its pool only when no send can still read it.</summary>
public sealed class RentedContentTests
{
    [Fact]
    public async Task Disposed_after_a_completed_send_the_memory_is_released_once()
    {
        var owner = new ObservedOwner([1, 2, 3]);
        var content = new RentedContent(owner);
        var sent = new MemoryStream();
        Assert.Equal(3, content.Headers.ContentLength);

        await content.CopyToAsync(sent);
        Assert.Equal(0, owner.Disposals);
        content.Dispose();
        content.Dispose();

        Assert.Equal([1, 2, 3], sent.ToArray());
        Assert.Equal(1, owner.Disposals);
    }

    [Fact]
    public async Task Disposed_while_a_send_is_in_flight_the_memory_is_released_when_the_send_ends()
    {
        var owner = new ObservedOwner([1, 2, 3]);
        var content = new RentedContent(owner);
        var stream = new GatedStream();

        Task send = content.CopyToAsync(stream);
        await stream.WriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        content.Dispose();
        Assert.Equal(0, owner.Disposals);

        stream.Gate.SetResult();
        await send.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, owner.Disposals);
        Assert.Equal([1, 2, 3], stream.Written.ToArray());
    }

    [Fact]
    public async Task A_send_after_release_is_refused_instead_of_reading_returned_memory()
    {
        var owner = new ObservedOwner([1, 2, 3]);
        var content = new RentedContent(owner);
        content.Dispose();

        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => content.CopyToAsync(new MemoryStream()));
        Assert.Equal(1, owner.Disposals);
    }

    private sealed class ObservedOwner(byte[] data) : IMemoryOwner<byte>
    {
        public int Disposals { get; private set; }

        public Memory<byte> Memory => Disposals == 0 ? data : throw new ObjectDisposedException(nameof(ObservedOwner));

        public void Dispose() => Disposals++;
    }

    private sealed class GatedStream : MemoryStream
    {
        public TaskCompletionSource WriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public MemoryStream Written { get; } = new();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            WriteStarted.SetResult();
            await Gate.Task.ConfigureAwait(false);
            await Written.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
    }
}
