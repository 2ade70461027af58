using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace BlindAI.Protocol.Tensors;

/// <summary>
/// An immutable tensor: an optional name, an element type, a shape and its elements in row-major order.
/// Numeric elements are held packed and little-endian exactly as they travel on the wire; string elements as text.
/// </summary>
public sealed class Tensor
{
    private static readonly string[] WireNames =
        ["F32", "F64", "I32", "I64", "U32", "U64", "U8", "U16", "I8", "I16", "Bool", "F16", "BF16", "String"];

    private readonly ReadOnlyMemory<byte> _data;
    private readonly ImmutableArray<string> _strings;

    private Tensor(string? name, TensorElementType elementType, ImmutableArray<long> shape, long elementCount,
        ReadOnlyMemory<byte> data, ImmutableArray<string> strings)
    {
        Name = name;
        ElementType = elementType;
        Shape = shape;
        ElementCount = elementCount;
        _data = data;
        _strings = strings;
    }

    /// <summary>The tensor's name (the model input or output it belongs to), or <see langword="null"/> for a positional tensor.</summary>
    public string? Name { get; }

    /// <summary>The element type.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The dimensions; empty for a scalar.</summary>
    public ImmutableArray<long> Shape { get; }

    /// <summary>The number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount { get; }

    /// <summary>
    /// The packed little-endian element bytes (row-major). Empty for <see cref="TensorElementType.String"/> tensors;
    /// use <see cref="Strings"/> for those.
    /// </summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>The elements of a <see cref="TensorElementType.String"/> tensor; empty for other element types.</summary>
    public ImmutableArray<string> Strings => _strings;

    /// <summary>
    /// Wraps packed little-endian element bytes without copying them. The caller must not change
    /// <paramref name="data"/> afterwards.
    /// </summary>
    /// <param name="elementType">A numeric or boolean element type.</param>
    /// <param name="data">Exactly element count × element size bytes, row-major.</param>
    /// <param name="shape">The dimensions, each zero or more.</param>
    /// <param name="name">The tensor name, or <see langword="null"/>.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="ArgumentException">The shape is invalid, the type is a string type, or the byte count does not match the shape.</exception>
    public static Tensor FromBytes(TensorElementType elementType, ReadOnlyMemory<byte> data, ReadOnlySpan<long> shape, string? name = null)
    {
        if (!Tensor.IsDefinedElementType(elementType) || elementType == TensorElementType.String)
        {
            throw new ArgumentException($"Element type {elementType} cannot be built from bytes.", nameof(elementType));
        }

        long count = ComputeElementCount(shape);
        long expected = checked(count * Tensor.GetElementSize(elementType));
        if (data.Length != expected)
        {
            throw new ArgumentException(
                $"A {elementType} tensor of shape [{string.Join(", ", shape.ToArray())}] needs {expected} bytes, got {data.Length}.", nameof(data));
        }

        return new Tensor(name, elementType, [.. shape], count, data, []);
    }

    /// <summary>Creates a tensor by copying <paramref name="values"/>.</summary>
    /// <typeparam name="T">
    /// One of <see cref="float"/>, <see cref="double"/>, <see cref="int"/>, <see cref="long"/>, <see cref="uint"/>,
    /// <see cref="ulong"/>, <see cref="byte"/>, <see cref="ushort"/>, <see cref="sbyte"/>, <see cref="short"/>,
    /// <see cref="bool"/> or <see cref="Half"/>.
    /// </typeparam>
    /// <param name="values">The elements in row-major order.</param>
    /// <param name="shape">The dimensions; their product must equal the number of values.</param>
    /// <param name="name">The tensor name, or <see langword="null"/>.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="ArgumentException">The shape does not match the values.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a supported element type.</exception>
    public static Tensor Create<T>(ReadOnlySpan<T> values, ReadOnlySpan<long> shape, string? name = null)
        where T : unmanaged
    {
        TensorElementType elementType = ElementTypeOf<T>();
        long count = ComputeElementCount(shape);
        if (values.Length != count)
        {
            throw new ArgumentException($"Shape [{string.Join(", ", shape.ToArray())}] holds {count} elements, got {values.Length}.", nameof(values));
        }

        byte[] bytes = MemoryMarshal.AsBytes(values).ToArray();
        if (typeof(T) == typeof(bool))
        {
            // A .NET bool may hold any non-zero byte; the wire wants exactly 0x00 or 0x01.
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = bytes[i] == 0 ? (byte)0 : (byte)1;
            }
        }
        else if (!BitConverter.IsLittleEndian)
        {
            ReverseEachElement(bytes, Tensor.GetElementSize(elementType));
        }

        return new Tensor(name, elementType, [.. shape], count, bytes, []);
    }

    /// <summary>Creates a string tensor.</summary>
    /// <param name="values">The elements in row-major order; none may be <see langword="null"/>.</param>
    /// <param name="shape">The dimensions; their product must equal the number of values.</param>
    /// <param name="name">The tensor name, or <see langword="null"/>.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="ArgumentException">The shape does not match the values, or an element is null.</exception>
    public static Tensor FromStrings(IEnumerable<string> values, ReadOnlySpan<long> shape, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ImmutableArray<string> strings = [.. values];
        if (strings.Any(s => s is null))
        {
            throw new ArgumentException("String tensor elements cannot be null.", nameof(values));
        }

        long count = ComputeElementCount(shape);
        if (strings.Length != count)
        {
            throw new ArgumentException($"Shape [{string.Join(", ", shape.ToArray())}] holds {count} elements, got {strings.Length}.", nameof(values));
        }

        return new Tensor(name, TensorElementType.String, [.. shape], count, ReadOnlyMemory<byte>.Empty, strings);
    }

    /// <summary>Returns the same tensor under another name, sharing its elements.</summary>
    /// <param name="name">The new name, or <see langword="null"/> for a positional tensor.</param>
    /// <returns>The renamed tensor.</returns>
    public Tensor WithName(string? name) => new(name, ElementType, Shape, ElementCount, _data, _strings);

    /// <summary>Copies the elements into a new array.</summary>
    /// <typeparam name="T">The .NET type matching <see cref="ElementType"/>.</typeparam>
    /// <returns>The elements in row-major order.</returns>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> does not match <see cref="ElementType"/>.</exception>
    public T[] ToArray<T>()
        where T : unmanaged
    {
        TensorElementType requested = ElementTypeOf<T>();
        if (requested != ElementType)
        {
            throw new InvalidOperationException($"The tensor holds {ElementType} elements, not {requested}.");
        }

        var result = new T[ElementCount];
        Span<byte> destination = MemoryMarshal.AsBytes(result.AsSpan());
        _data.Span.CopyTo(destination);
        if (!BitConverter.IsLittleEndian && typeof(T) != typeof(bool))
        {
            ReverseEachElement(destination, Tensor.GetElementSize(ElementType));
        }

        return result;
    }

    /// <summary>Maps a .NET element type to its <see cref="TensorElementType"/>.</summary>
    /// <typeparam name="T">The .NET type.</typeparam>
    /// <returns>The element type.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no tensor element type.</exception>
    public static TensorElementType ElementTypeOf<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(float)) { return TensorElementType.Float32; }
        if (typeof(T) == typeof(double)) { return TensorElementType.Float64; }
        if (typeof(T) == typeof(int)) { return TensorElementType.Int32; }
        if (typeof(T) == typeof(long)) { return TensorElementType.Int64; }
        if (typeof(T) == typeof(uint)) { return TensorElementType.UInt32; }
        if (typeof(T) == typeof(ulong)) { return TensorElementType.UInt64; }
        if (typeof(T) == typeof(byte)) { return TensorElementType.UInt8; }
        if (typeof(T) == typeof(ushort)) { return TensorElementType.UInt16; }
        if (typeof(T) == typeof(sbyte)) { return TensorElementType.Int8; }
        if (typeof(T) == typeof(short)) { return TensorElementType.Int16; }
        if (typeof(T) == typeof(bool)) { return TensorElementType.Bool; }
        if (typeof(T) == typeof(Half)) { return TensorElementType.Float16; }
        throw new NotSupportedException($"{typeof(T)} is not a tensor element type.");
    }

    /// <summary>The size in bytes of one element, or 0 for <see cref="TensorElementType.String"/> (variable length).</summary>
    /// <param name="elementType">The element type.</param>
    /// <returns>The packed element size in bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="elementType"/> is not a defined element type.</exception>
    public static int GetElementSize(TensorElementType elementType) => elementType switch
    {
        TensorElementType.Float64 or TensorElementType.Int64 or TensorElementType.UInt64 => 8,
        TensorElementType.Float32 or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
        TensorElementType.UInt16 or TensorElementType.Int16 or TensorElementType.Float16 or TensorElementType.BFloat16 => 2,
        TensorElementType.UInt8 or TensorElementType.Int8 or TensorElementType.Bool => 1,
        TensorElementType.String => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(elementType), elementType, "Unknown tensor element type."),
    };

    /// <summary>The text form of a datum type as the BlindAI 0.6 server writes it (for example <c>F32</c>).</summary>
    /// <param name="elementType">The element type.</param>
    /// <returns>The wire name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="elementType"/> is not a defined element type.</exception>
    public static string GetWireName(TensorElementType elementType) =>
        IsDefinedElementType(elementType) ? WireNames[(int)elementType] : throw new ArgumentOutOfRangeException(nameof(elementType), elementType, "Unknown tensor element type.");

    /// <summary>Looks up an element type by its wire name (case-sensitive, as serde matches variant names).</summary>
    /// <param name="name">The wire name, for example <c>I64</c>.</param>
    /// <param name="elementType">The element type when found.</param>
    /// <returns><see langword="true"/> when <paramref name="name"/> names an element type.</returns>
    public static bool TryParseWireName([NotNullWhen(true)] string? name, out TensorElementType elementType)
    {
        int index = name is null ? -1 : Array.IndexOf(WireNames, name);
        elementType = index < 0 ? default : (TensorElementType)index;
        return index >= 0;
    }

    /// <summary>Whether <paramref name="elementType"/> is one of the defined element types.</summary>
    internal static bool IsDefinedElementType(TensorElementType elementType) => (uint)elementType <= (uint)TensorElementType.String;

    /// <summary>Whether the BlindAI 0.6 client knows <paramref name="elementType"/> (datum types 0 to 10).</summary>
    internal static bool IsLegacyElementType(TensorElementType elementType) => (uint)elementType <= (uint)TensorElementType.Bool;

    private static long ComputeElementCount(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (long dimension in shape)
        {
            if (dimension < 0)
            {
                throw new ArgumentException($"Dimensions cannot be negative, got {dimension}.", nameof(shape));
            }

            try
            {
                count = checked(count * dimension);
            }
            catch (OverflowException)
            {
                throw new ArgumentException("The shape's element count overflows a 64-bit integer.", nameof(shape));
            }
        }

        if (count > Array.MaxLength)
        {
            throw new ArgumentException($"A tensor holds at most {Array.MaxLength} elements, the shape asks for {count}.", nameof(shape));
        }

        return count;
    }

    private static void ReverseEachElement(Span<byte> bytes, int elementSize)
    {
        for (int offset = 0; offset + elementSize <= bytes.Length; offset += elementSize)
        {
            bytes.Slice(offset, elementSize).Reverse();
        }
    }
}
