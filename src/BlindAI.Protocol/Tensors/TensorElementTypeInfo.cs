using System.Diagnostics.CodeAnalysis;

namespace BlindAI.Protocol.Tensors;

/// <summary>Facts about <see cref="TensorElementType"/> values: element sizes and the BlindAI 0.6 wire names.</summary>
public static class TensorElementTypeInfo
{
    private static readonly string[] WireNames =
        ["F32", "F64", "I32", "I64", "U32", "U64", "U8", "U16", "I8", "I16", "Bool", "F16", "BF16", "String"];

    /// <summary>Whether <paramref name="type"/> is one of the defined element types.</summary>
    /// <param name="type">The value to check.</param>
    /// <returns><see langword="true"/> for a defined element type.</returns>
    public static bool IsDefined(TensorElementType type) => (uint)type <= (uint)TensorElementType.String;

    /// <summary>Whether the BlindAI 0.6 client knows <paramref name="type"/> (datum types 0 to 10).</summary>
    /// <param name="type">The element type.</param>
    /// <returns><see langword="true"/> for the original eleven datum types.</returns>
    public static bool IsLegacy(TensorElementType type) => (uint)type <= (uint)TensorElementType.Bool;

    /// <summary>The size in bytes of one element, or 0 for <see cref="TensorElementType.String"/> (variable length).</summary>
    /// <param name="type">The element type.</param>
    /// <returns>The packed element size in bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not a defined element type.</exception>
    public static int SizeOf(TensorElementType type) => type switch
    {
        TensorElementType.Float64 or TensorElementType.Int64 or TensorElementType.UInt64 => 8,
        TensorElementType.Float32 or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
        TensorElementType.UInt16 or TensorElementType.Int16 or TensorElementType.Float16 or TensorElementType.BFloat16 => 2,
        TensorElementType.UInt8 or TensorElementType.Int8 or TensorElementType.Bool => 1,
        TensorElementType.String => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown tensor element type."),
    };

    /// <summary>The text form of a datum type as the BlindAI 0.6 server writes it (for example <c>F32</c>).</summary>
    /// <param name="type">The element type.</param>
    /// <returns>The wire name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not a defined element type.</exception>
    public static string GetWireName(TensorElementType type) =>
        IsDefined(type) ? WireNames[(int)type] : throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown tensor element type.");

    /// <summary>Looks up an element type by its wire name (case-sensitive, as serde matches variant names).</summary>
    /// <param name="name">The wire name, for example <c>I64</c>.</param>
    /// <param name="type">The element type when found.</param>
    /// <returns><see langword="true"/> when <paramref name="name"/> names an element type.</returns>
    public static bool TryParseWireName(string? name, [NotNullWhen(true)] out TensorElementType? type)
    {
        int index = name is null ? -1 : Array.IndexOf(WireNames, name);
        type = index < 0 ? null : (TensorElementType)index;
        return index >= 0;
    }
}
