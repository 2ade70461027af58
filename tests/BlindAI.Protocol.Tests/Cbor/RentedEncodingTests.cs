using System.Buffers;
using System.Runtime.InteropServices;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Protocol.Tests.Cbor;

/// <summary><see cref="MessageCodec.EncodeRunModelRented"/>: the same bytes as the allocating encoder, cleared when returned.</summary>
public sealed class RentedEncodingTests
{
    private static RunModel Request(int floats) => RunModel.Create(
        ModelReference.ById(ModelId.NewId()),
        [Tensor.Create<float>([.. Enumerable.Range(1, floats).Select(i => (float)i)], [1, floats], "input"), Tensor.Create<long>([16000], [], "sr")],
        null);

    [Theory]
    [InlineData(1)]
    [InlineData(576)]
    [InlineData(3 * 224 * 224)]
    public void The_rented_body_is_exactly_the_allocated_encoding(int floats)
    {
        RunModel request = Request(floats);

        using IMemoryOwner<byte> rented = MessageCodec.Default.EncodeRunModelRented(request);

        Assert.Equal(MessageCodec.Default.EncodeRunModel(request), rented.Memory.ToArray());
    }

    [Fact]
    public void Disposing_clears_the_message_before_the_array_goes_back_and_can_be_repeated()
    {
        IMemoryOwner<byte> rented = MessageCodec.Default.EncodeRunModelRented(Request(1000));
        Assert.True(MemoryMarshal.TryGetArray<byte>(rented.Memory, out ArraySegment<byte> segment));
        Assert.Contains(segment.AsSpan().ToArray(), b => b != 0);

        rented.Dispose();
        rented.Dispose();

        Assert.All(segment.AsSpan().ToArray(), b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => rented.Memory);
    }

    [Fact]
    public void A_tensor_whose_data_disagrees_with_its_shape_is_refused_before_anything_is_rented()
    {
        var tensor = new SerializedTensor(new TensorInfo([2, 2], TensorElementType.Float32, "x"), new byte[12]);
        var request = new RunModel(ModelId.NewId().ToString(), string.Empty, [tensor], ClientInfo.Anonymous);

        Assert.Throws<ProtocolException>(() => MessageCodec.Default.EncodeRunModelRented(request));
    }
}
