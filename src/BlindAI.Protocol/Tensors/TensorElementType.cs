namespace BlindAI.Protocol.Tensors;

/// <summary>
/// The element type of a tensor. Values 0 to 10 are the BlindAI 0.6 <c>ModelDatumType</c> numbering and
/// travel on the wire unchanged; larger values are BlindAI for .NET extensions that the original client does not know.
/// </summary>
public enum TensorElementType
{
    /// <summary>32-bit IEEE-754 float, little-endian (BlindAI <c>F32</c>).</summary>
    Float32 = 0,

    /// <summary>64-bit IEEE-754 float, little-endian (BlindAI <c>F64</c>).</summary>
    Float64 = 1,

    /// <summary>32-bit signed integer, little-endian (BlindAI <c>I32</c>).</summary>
    Int32 = 2,

    /// <summary>64-bit signed integer, little-endian (BlindAI <c>I64</c>).</summary>
    Int64 = 3,

    /// <summary>32-bit unsigned integer, little-endian (BlindAI <c>U32</c>).</summary>
    UInt32 = 4,

    /// <summary>64-bit unsigned integer, little-endian (BlindAI <c>U64</c>).</summary>
    UInt64 = 5,

    /// <summary>8-bit unsigned integer (BlindAI <c>U8</c>).</summary>
    UInt8 = 6,

    /// <summary>16-bit unsigned integer, little-endian (BlindAI <c>U16</c>).</summary>
    UInt16 = 7,

    /// <summary>8-bit signed integer (BlindAI <c>I8</c>).</summary>
    Int8 = 8,

    /// <summary>16-bit signed integer, little-endian (BlindAI <c>I16</c>).</summary>
    Int16 = 9,

    /// <summary>Boolean stored as one byte, 0x00 or 0x01 (BlindAI <c>Bool</c>).</summary>
    Bool = 10,

    /// <summary>IEEE-754 binary16, little-endian. Extension: unknown to the BlindAI 0.6 client.</summary>
    Float16 = 11,

    /// <summary>bfloat16 (the upper half of a float32), little-endian. Extension: unknown to the BlindAI 0.6 client.</summary>
    BFloat16 = 12,

    /// <summary>UTF-8 strings, one per element. Extension: unknown to the BlindAI 0.6 client.</summary>
    String = 13,
}
