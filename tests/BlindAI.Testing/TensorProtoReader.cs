using System.Runtime.InteropServices;
using BlindAI.Protocol.Tensors;
using Onnx;

namespace BlindAI.Testing;

/// <summary>Turns the reference tensors of the ONNX backend test data (serialised <c>TensorProto</c>s) into BlindAI tensors.</summary>
public static class TensorProtoReader
{
    /// <param name="path">The .pb file.</param>
    /// <param name="name">The model input or output it belongs to.</param>
    /// <param name="declared">The element type the model declares for it.</param>
    public static Tensor Read(string path, string name, TensorElementType declared)
    {
        TensorProto proto = TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));
        long[] shape = [.. proto.Dims];
        TensorElementType type = ElementType(proto.DataType)
            ?? throw new NotSupportedException($"TensorProto data type {proto.DataType} has no BlindAI element type.");

        // numpy has no bfloat16, so ONNX 1.12 wrote bfloat16 reference tensors as their uint16 bit patterns.
        if (type == TensorElementType.UInt16 && declared == TensorElementType.BFloat16)
        {
            type = TensorElementType.BFloat16;
        }
        if (type == TensorElementType.String)
        {
            return Tensor.FromStrings(proto.StringData.Select(s => s.ToStringUtf8()), shape, name);
        }

        if (!proto.RawData.IsEmpty)
        {
            return Tensor.FromBytes(type, proto.RawData.ToByteArray(), shape, name);
        }

        byte[] bytes = type switch
        {
            TensorElementType.Float32 => Bytes<float>([.. proto.FloatData]),
            TensorElementType.Float64 => Bytes<double>([.. proto.DoubleData]),
            TensorElementType.Int64 => Bytes<long>([.. proto.Int64Data]),
            TensorElementType.UInt64 => Bytes<ulong>([.. proto.Uint64Data]),
            TensorElementType.UInt32 => Bytes<uint>([.. proto.Uint64Data.Select(v => (uint)v)]),
            TensorElementType.Int32 => Bytes<int>([.. proto.Int32Data]),
            TensorElementType.Int16 => Bytes<short>([.. proto.Int32Data.Select(v => (short)v)]),
            TensorElementType.UInt16 or TensorElementType.Float16 or TensorElementType.BFloat16 => Bytes<ushort>([.. proto.Int32Data.Select(v => (ushort)v)]),
            TensorElementType.Int8 => Bytes<sbyte>([.. proto.Int32Data.Select(v => (sbyte)v)]),
            TensorElementType.UInt8 or TensorElementType.Bool => [.. proto.Int32Data.Select(v => (byte)v)],
            _ => throw new NotSupportedException($"Element type {type} is not read from typed fields."),
        };
        return Tensor.FromBytes(type, bytes, shape, name);
    }

    /// <summary>The BlindAI element type of an ONNX <c>TensorProto.DataType</c>, or <see langword="null"/>.</summary>
    public static TensorElementType? ElementType(int onnxType) => onnxType switch
    {
        1 => TensorElementType.Float32,
        2 => TensorElementType.UInt8,
        3 => TensorElementType.Int8,
        4 => TensorElementType.UInt16,
        5 => TensorElementType.Int16,
        6 => TensorElementType.Int32,
        7 => TensorElementType.Int64,
        8 => TensorElementType.String,
        9 => TensorElementType.Bool,
        10 => TensorElementType.Float16,
        11 => TensorElementType.Float64,
        12 => TensorElementType.UInt32,
        13 => TensorElementType.UInt64,
        16 => TensorElementType.BFloat16,
        _ => null,
    };

    private static byte[] Bytes<T>(T[] values)
        where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
