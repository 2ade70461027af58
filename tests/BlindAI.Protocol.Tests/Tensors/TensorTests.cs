using BlindAI.Protocol.Tensors;

namespace BlindAI.Protocol.Tests.Tensors;

public sealed class TensorTests
{
    [Fact]
    public void Create_float32_packs_little_endian_bytes_like_the_original_client()
    {
        // The BlindAI 0.6 wire example: positional float32 [[1.5, -2.0]] carries bytes 0000c03f 000000c0.
        Tensor tensor = Tensor.Create<float>([1.5f, -2.0f], [1, 2]);

        Assert.Equal(TensorElementType.Float32, tensor.ElementType);
        Assert.Equal(new long[] { 1, 2 }, tensor.Shape.ToArray());
        Assert.Equal(2, tensor.ElementCount);
        Assert.Equal(Convert.FromHexString("0000c03f000000c0"), tensor.Data.ToArray());
        Assert.Null(tensor.Name);
    }

    [Fact]
    public void Create_bool_writes_exactly_zero_or_one()
    {
        Tensor tensor = Tensor.Create<bool>([true, false], [2], "x");

        Assert.Equal(new byte[] { 1, 0 }, tensor.Data.ToArray());
        Assert.Equal("x", tensor.Name);
        Assert.Equal(TensorElementType.Bool, tensor.ElementType);
    }

    [Fact]
    public void Scalar_has_empty_shape_and_one_element()
    {
        Tensor tensor = Tensor.Create<long>([16000L], []);

        Assert.Empty(tensor.Shape);
        Assert.Equal(1, tensor.ElementCount);
        Assert.Equal([16000L], tensor.ToArray<long>());
    }

    [Fact]
    public void ToArray_round_trips_every_numeric_type()
    {
        Assert.Equal([1.25, -3.5], Tensor.Create<double>([1.25, -3.5], [2]).ToArray<double>());
        Assert.Equal([int.MinValue, 7], Tensor.Create<int>([int.MinValue, 7], [2]).ToArray<int>());
        Assert.Equal([long.MaxValue], Tensor.Create<long>([long.MaxValue], [1]).ToArray<long>());
        Assert.Equal([uint.MaxValue], Tensor.Create<uint>([uint.MaxValue], [1]).ToArray<uint>());
        Assert.Equal([ulong.MaxValue], Tensor.Create<ulong>([ulong.MaxValue], [1]).ToArray<ulong>());
        Assert.Equal([(byte)255], Tensor.Create<byte>([(byte)255], [1]).ToArray<byte>());
        Assert.Equal([(ushort)65535], Tensor.Create<ushort>([(ushort)65535], [1]).ToArray<ushort>());
        Assert.Equal([(sbyte)-128], Tensor.Create<sbyte>([(sbyte)-128], [1]).ToArray<sbyte>());
        Assert.Equal([(short)-2], Tensor.Create<short>([(short)-2], [1]).ToArray<short>());
        Assert.Equal([(Half)0.5f], Tensor.Create<Half>([(Half)0.5f], [1]).ToArray<Half>());
    }

    [Fact]
    public void ToArray_with_the_wrong_type_is_refused()
    {
        Tensor tensor = Tensor.Create<float>([1f], [1]);

        var error = Assert.Throws<InvalidOperationException>(() => tensor.ToArray<int>());
        Assert.Contains("Float32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromBytes_shares_the_buffer_and_checks_its_length()
    {
        byte[] bytes = [1, 0, 0, 0, 2, 0, 0, 0];
        Tensor tensor = Tensor.FromBytes(TensorElementType.Int32, bytes, [2, 1]);

        Assert.Equal([1, 2], tensor.ToArray<int>());
        Assert.True(tensor.Data.Span == bytes.AsSpan(), "FromBytes must not copy");
        Assert.Throws<ArgumentException>(() => Tensor.FromBytes(TensorElementType.Int32, bytes, [3]));
        Assert.Throws<ArgumentException>(() => Tensor.FromBytes(TensorElementType.String, bytes, [2]));
    }

    [Theory]
    [InlineData(new long[] { -1 })]
    [InlineData(new long[] { long.MaxValue, 2 })]
    [InlineData(new long[] { 1L << 40 })]
    public void Invalid_shapes_are_refused(long[] shape)
    {
        Assert.Throws<ArgumentException>(() => Tensor.FromBytes(TensorElementType.UInt8, Array.Empty<byte>(), shape));
    }

    [Fact]
    public void Shape_must_match_value_count()
    {
        Assert.Throws<ArgumentException>(() => Tensor.Create<float>([1f, 2f, 3f], [2, 2]));
    }

    [Fact]
    public void Zero_sized_dimension_gives_an_empty_tensor()
    {
        Tensor tensor = Tensor.Create<float>([], [3, 0]);

        Assert.Equal(0, tensor.ElementCount);
        Assert.True(tensor.Data.IsEmpty);
    }

    [Fact]
    public void String_tensors_keep_their_text_and_no_bytes()
    {
        Tensor tensor = Tensor.FromStrings(["a", "ünï", ""], [3], "text");

        Assert.Equal(TensorElementType.String, tensor.ElementType);
        Assert.Equal(new[] { "a", "ünï", "" }, tensor.Strings.ToArray());
        Assert.True(tensor.Data.IsEmpty);
        Assert.Throws<ArgumentException>(() => Tensor.FromStrings(["a"], [2]));
        Assert.Throws<ArgumentException>(() => Tensor.FromStrings([null!], [1]));
    }

    [Fact]
    public void WithName_renames_without_copying()
    {
        Tensor original = Tensor.Create<byte>([1, 2, 3], [3]);
        Tensor renamed = original.WithName("pixels");

        Assert.Equal("pixels", renamed.Name);
        Assert.Null(original.Name);
        Assert.True(renamed.Data.Span == original.Data.Span);
    }
}
