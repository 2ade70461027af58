using BlindAI.Protocol.Tensors;
using BlindAI.Testing;

namespace BlindAI.Inference.Tests.Engine;

/// <summary>Every BlindAI element type travels through ONNX Runtime and back unchanged.</summary>
public sealed class ElementTypeTests : IDisposable
{
    private readonly OnnxInferenceEngine _engine = Engines.Create();

    public void Dispose() => _engine.Dispose();

    public static TheoryData<TensorElementType, int> Types => new()
    {
        { TensorElementType.Float32, TestModels.Float },
        { TensorElementType.Float64, TestModels.Double },
        { TensorElementType.Int32, TestModels.Int32 },
        { TensorElementType.Int64, TestModels.Int64 },
        { TensorElementType.UInt32, TestModels.UInt32 },
        { TensorElementType.UInt64, TestModels.UInt64 },
        { TensorElementType.UInt8, TestModels.UInt8 },
        { TensorElementType.UInt16, TestModels.UInt16 },
        { TensorElementType.Int8, TestModels.Int8 },
        { TensorElementType.Int16, TestModels.Int16 },
        { TensorElementType.Bool, TestModels.Bool },
        { TensorElementType.Float16, TestModels.Float16 },
        { TensorElementType.BFloat16, TestModels.BFloat16 },
    };

    [Theory]
    [MemberData(nameof(Types))]
    public async Task A_numeric_tensor_round_trips_through_identity(TensorElementType type, int onnxType)
    {
        ModelInfo model = await _engine.UploadAsync(TestModels.Identity(onnxType));
        Assert.Equal(type, model.Inputs[0].ElementType);
        int size = TensorElementTypeInfo.SizeOf(type);
        byte[] data = [.. Enumerable.Range(0, 5 * size).Select(i => type == TensorElementType.Bool ? (byte)(i % 2) : (byte)(i * 37 + 1))];
        if (type is TensorElementType.Float16 or TensorElementType.BFloat16 or TensorElementType.Float32 or TensorElementType.Float64)
        {
            data = FiniteFloats(type, size);
        }

        Tensor output = Assert.Single(await _engine.RunAsync(model.Id, [Tensor.FromBytes(type, data, [5])]));

        Assert.Equal(("Y", type), (output.Name, output.ElementType));
        Assert.Equal([5L], output.Shape.ToArray());
        Assert.Equal(data, output.Data.ToArray());
    }

    [Fact]
    public async Task A_string_tensor_round_trips_through_identity()
    {
        ModelInfo model = await _engine.UploadAsync(TestModels.Identity(TestModels.String));
        string[] values = ["", "hello", "zürich 🌍", new string('x', 1000)];

        Tensor output = Assert.Single(await _engine.RunAsync(model.Id, [Tensor.FromStrings(values, [4])]));

        Assert.Equal(TensorElementType.String, output.ElementType);
        Assert.Equal(values, output.Strings);
    }

    [Fact]
    public async Task A_boolean_byte_other_than_0_or_1_is_refused()
    {
        ModelInfo model = await _engine.UploadAsync(TestModels.Identity(TestModels.Bool));
        InferenceException e = await Assert.ThrowsAsync<InferenceException>(() =>
            _engine.RunAsync(model.Id, [Tensor.FromBytes(TensorElementType.Bool, new byte[] { 1, 0, 2 }, [3])]));
        Assert.Equal(InferenceError.InvalidInput, e.Reason);
    }

    [Fact]
    public async Task Input_bytes_not_aligned_to_their_element_size_are_still_read_correctly()
    {
        ModelInfo model = await _engine.UploadAsync(TestModels.Identity(TestModels.Int64));
        long[] values = [1, -2, long.MaxValue, long.MinValue];
        byte[] buffer = new byte[1 + (values.Length * 8)];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(buffer.AsSpan(1));

        Tensor output = Assert.Single(await _engine.RunAsync(model.Id, [Tensor.FromBytes(TensorElementType.Int64, buffer.AsMemory(1), [4])]));

        Assert.Equal(values, output.ToArray<long>());
    }

    private static byte[] FiniteFloats(TensorElementType type, int size)
    {
        float[] values = [0f, -1.5f, 3.25f, 1024f, -0.0625f];
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            Span<byte> slot = bytes.AsSpan(i * size, size);
            switch (type)
            {
                case TensorElementType.Float16:
                    BitConverter.TryWriteBytes(slot, (Half)values[i]);
                    break;
                case TensorElementType.BFloat16:
                    BitConverter.GetBytes(values[i]).AsSpan(2, 2).CopyTo(slot);
                    break;
                case TensorElementType.Float32:
                    BitConverter.TryWriteBytes(slot, values[i]);
                    break;
                default:
                    BitConverter.TryWriteBytes(slot, (double)values[i]);
                    break;
            }
        }

        return bytes;
    }
}
