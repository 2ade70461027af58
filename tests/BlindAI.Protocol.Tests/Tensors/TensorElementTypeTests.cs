using BlindAI.Protocol.Tensors;

namespace BlindAI.Protocol.Tests.Tensors;

public sealed class TensorElementTypeTests
{
    // Numbering, names and sizes from the BlindAI 0.6 ModelDatumType table (reference/blindai-wire.md §3.8).
    [Theory]
    [InlineData(0, "F32", 4)]
    [InlineData(1, "F64", 8)]
    [InlineData(2, "I32", 4)]
    [InlineData(3, "I64", 8)]
    [InlineData(4, "U32", 4)]
    [InlineData(5, "U64", 8)]
    [InlineData(6, "U8", 1)]
    [InlineData(7, "U16", 2)]
    [InlineData(8, "I8", 1)]
    [InlineData(9, "I16", 2)]
    [InlineData(10, "Bool", 1)]
    public void Legacy_datum_types_match_the_original_numbering(int value, string wireName, int size)
    {
        var type = (TensorElementType)value;

        Assert.True(Tensor.IsLegacyElementType(type));
        Assert.Equal(wireName, Tensor.GetWireName(type));
        Assert.Equal(size, Tensor.GetElementSize(type));
        Assert.True(Tensor.TryParseWireName(wireName, out TensorElementType parsed));
        Assert.Equal(type, parsed);
    }

    [Theory]
    [InlineData(TensorElementType.Float16, 2)]
    [InlineData(TensorElementType.BFloat16, 2)]
    [InlineData(TensorElementType.String, 0)]
    public void Extensions_are_not_legacy(TensorElementType type, int size)
    {
        Assert.False(Tensor.IsLegacyElementType(type));
        Assert.True(Tensor.IsDefinedElementType(type));
        Assert.Equal(size, Tensor.GetElementSize(type));
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("Float32")]
    public void Unknown_wire_names_are_not_parsed(string? name)
    {
        Assert.False(Tensor.TryParseWireName(name, out TensorElementType parsed));
        Assert.Equal(default, parsed);
    }

    [Fact]
    public void Undefined_values_are_rejected()
    {
        var undefined = (TensorElementType)99;

        Assert.False(Tensor.IsDefinedElementType(undefined));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.GetElementSize(undefined));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.GetWireName(undefined));
    }
}
