using BlindAI.Protocol.Tensors;
using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace BlindAI.Inference.Runtime;

/// <summary>Maps BlindAI element types to ONNX Runtime's and back.</summary>
internal static class ElementTypes
{
    public static OrtElementType ToOrt(TensorElementType type) => type switch
    {
        TensorElementType.Float32 => OrtElementType.Float,
        TensorElementType.Float64 => OrtElementType.Double,
        TensorElementType.Int32 => OrtElementType.Int32,
        TensorElementType.Int64 => OrtElementType.Int64,
        TensorElementType.UInt32 => OrtElementType.UInt32,
        TensorElementType.UInt64 => OrtElementType.UInt64,
        TensorElementType.UInt8 => OrtElementType.UInt8,
        TensorElementType.UInt16 => OrtElementType.UInt16,
        TensorElementType.Int8 => OrtElementType.Int8,
        TensorElementType.Int16 => OrtElementType.Int16,
        TensorElementType.Bool => OrtElementType.Bool,
        TensorElementType.Float16 => OrtElementType.Float16,
        TensorElementType.BFloat16 => OrtElementType.BFloat16,
        TensorElementType.String => OrtElementType.String,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown tensor element type."),
    };

    /// <summary>The BlindAI element type of an ONNX Runtime one, or <see langword="null"/> when the protocol cannot carry it.</summary>
    public static TensorElementType? FromOrt(OrtElementType type) => type switch
    {
        OrtElementType.Float => TensorElementType.Float32,
        OrtElementType.Double => TensorElementType.Float64,
        OrtElementType.Int32 => TensorElementType.Int32,
        OrtElementType.Int64 => TensorElementType.Int64,
        OrtElementType.UInt32 => TensorElementType.UInt32,
        OrtElementType.UInt64 => TensorElementType.UInt64,
        OrtElementType.UInt8 => TensorElementType.UInt8,
        OrtElementType.UInt16 => TensorElementType.UInt16,
        OrtElementType.Int8 => TensorElementType.Int8,
        OrtElementType.Int16 => TensorElementType.Int16,
        OrtElementType.Bool => TensorElementType.Bool,
        OrtElementType.Float16 => TensorElementType.Float16,
        OrtElementType.BFloat16 => TensorElementType.BFloat16,
        OrtElementType.String => TensorElementType.String,
        _ => null,
    };
}
