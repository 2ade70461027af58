using System.Buffers;
using System.Runtime.InteropServices;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Protocol.Tests.Cbor;

/// <summary><see cref="MessageCodec.EncodeRunModelReferencing"/>: the allocating encoder's bytes, large tensors not copied.</summary>
public sealed class ReferencingEncodingTests
{
    private static Tensor Floats(int count, string name) =>
        Tensor.Create<float>([.. Enumerable.Range(1, count).Select(i => (float)i)], [1, count], name);

    public static TheoryData<int[]> Inputs => new()
    {
        Array.Empty<int>(),
        new[] { 1 },
        new[] { 576, 256 },
        new[] { 8191, 8192 },           // 32,764 and 32,768 bytes: either side of the threshold
        new[] { 3 * 224 * 224 },
        new[] { 20_000, 5, 40_000, 0 }, // large, small, large, empty, interleaved
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void The_sequence_holds_exactly_the_bytes_of_the_allocating_encoder(int[] sizes)
    {
        RunModel request = RunModel.Create(ModelReference.ById(ModelId.NewId()), sizes.Select((n, i) => Floats(n, $"in{i}")));

        ReadOnlySequence<byte> sequence = MessageCodec.Default.EncodeRunModelReferencing(request);

        Assert.Equal(MessageCodec.Default.EncodeRunModel(request), sequence.ToArray());
        Assert.Equal(request, MessageCodec.Default.DecodeRunModel(sequence.ToArray()), RunModelComparer.Instance);
    }

    [Fact]
    public void Large_tensors_are_the_callers_own_memory_and_small_ones_are_copied_into_the_framing()
    {
        Tensor large = Floats(40_000, "large");
        Tensor small = Floats(100, "small");
        RunModel request = RunModel.Create(ModelReference.ById(ModelId.NewId()), [small, large]);

        ReadOnlySequence<byte> sequence = MessageCodec.Default.EncodeRunModelReferencing(request);

        Assert.True(MemoryMarshal.TryGetArray(large.Data, out ArraySegment<byte> largeArray));
        Assert.True(MemoryMarshal.TryGetArray(small.Data, out ArraySegment<byte> smallArray));
        var arrays = new List<byte[]>();
        foreach (ReadOnlyMemory<byte> chunk in sequence)
        {
            Assert.True(MemoryMarshal.TryGetArray(chunk, out ArraySegment<byte> segment));
            arrays.Add(segment.Array!);
        }

        Assert.Single(arrays, a => ReferenceEquals(a, largeArray.Array));
        Assert.DoesNotContain(arrays, a => ReferenceEquals(a, smallArray.Array));
        Assert.Equal(3, arrays.Count);
    }

    [Fact]
    public void A_tensor_whose_data_disagrees_with_its_shape_cannot_reach_the_encoder()
    {
        // Requests carry Tensors, which refuse such data when built: nothing inconsistent is ever referenced on the wire.
        Assert.Throws<ArgumentException>(() => RunModel.Create(
            ModelReference.ById(ModelId.NewId()), [Tensor.FromBytes(TensorElementType.Float32, new byte[12], [2, 2], "x")]));
    }

    private sealed class RunModelComparer : IEqualityComparer<RunModel>
    {
        public static readonly RunModelComparer Instance = new();

        public bool Equals(RunModel? x, RunModel? y) =>
            x is not null && y is not null && x.ModelId == y.ModelId && x.Inputs.Length == y.Inputs.Length
            && x.Inputs.Zip(y.Inputs).All(p => p.First.Shape.SequenceEqual(p.Second.Shape) && p.First.Data.Span.SequenceEqual(p.Second.Data.Span));

        public int GetHashCode(RunModel obj) => obj.ModelId.GetHashCode(StringComparison.Ordinal);
    }
}
