using System.Collections.Immutable;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Protocol.Messages;

/// <summary>
/// A tensor on the wire: <c>{info, bytes_data}</c>, where <c>bytes_data</c> holds the elements packed, little-endian,
/// row-major. A decoded instance's <see cref="BytesData"/> aliases the message buffer (no copy).
/// </summary>
/// <remarks>
/// String tensors are a BlindAI for .NET extension: <c>datum_type</c> <c>String</c> (13), an empty <c>bytes_data</c>
/// and an extra <c>string_data</c> key holding an array of text strings. The extra key sits beside <c>info</c>, never
/// inside it, so it cannot break the original client's <c>TensorInfo(**info)</c>; that client cannot read string
/// tensors anyway (it knows datum types 0 to 10 only).
/// </remarks>
/// <param name="Info">Shape, element type and name.</param>
/// <param name="BytesData">The packed element bytes (empty for string tensors).</param>
internal sealed record SerializedTensor(TensorInfo Info, ReadOnlyMemory<byte> BytesData)
{
    /// <summary>The elements of a string tensor (<c>string_data</c>); empty for every other element type.</summary>
    public ImmutableArray<string> StringData { get; init; } = [];

    /// <summary>Describes <paramref name="tensor"/> for the wire without copying its elements.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <returns>The serialized tensor.</returns>
    public static SerializedTensor FromTensor(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new SerializedTensor(new TensorInfo(tensor.Shape, tensor.ElementType, tensor.Name), tensor.Data)
        {
            StringData = tensor.ElementType == TensorElementType.String ? tensor.Strings : [],
        };
    }

    /// <summary>
    /// Builds the <see cref="Tensor"/> this describes, sharing <see cref="BytesData"/> (Bool elements other than 0 and
    /// 1 are copied and normalised to 1, as the original server read any non-zero byte as true).
    /// </summary>
    /// <returns>The tensor, named <see cref="TensorInfo.NodeName"/>.</returns>
    /// <exception cref="ProtocolException">The shape, element type and data do not agree (<see cref="ProtocolErrorReason.ShapeMismatch"/>).</exception>
    public Tensor ToTensor()
    {
        Validate(null);
        ReadOnlyMemory<byte> data = BytesData;
        if (Info.DatumType == TensorElementType.String)
        {
            return Tensor.FromStrings(StringData, Info.Fact.AsSpan(), Info.NodeName);
        }

        if (Info.DatumType == TensorElementType.Bool && data.Span.ContainsAnyExcept((byte)0, (byte)1))
        {
            byte[] normalised = data.ToArray();
            for (int i = 0; i < normalised.Length; i++)
            {
                normalised[i] = normalised[i] == 0 ? (byte)0 : (byte)1;
            }

            data = normalised;
        }

        return Tensor.FromBytes(Info.DatumType, data, Info.Fact.AsSpan(), Info.NodeName);
    }

    /// <summary>Checks that shape, element type and element data agree.</summary>
    /// <param name="path">The field path for the error, or <see langword="null"/>.</param>
    internal void Validate(string? path)
    {
        if (!Tensor.IsDefinedElementType(Info.DatumType))
        {
            throw new ProtocolException(ProtocolErrorReason.UnknownDatumType, $"Unknown datum type {(int)Info.DatumType}.", Join(path, "info.datum_type"));
        }

        long count = 1;
        foreach (long dimension in Info.Fact)
        {
            if (dimension < 0)
            {
                throw new ProtocolException(ProtocolErrorReason.ShapeMismatch, $"Dimension {dimension} is negative.", Join(path, "info.fact"));
            }

            if (dimension != 0 && count > Array.MaxLength / dimension)
            {
                throw new ProtocolException(ProtocolErrorReason.ShapeMismatch, "The shape holds more elements than a tensor can.", Join(path, "info.fact"));
            }

            count *= dimension;
        }

        if (Info.DatumType == TensorElementType.String)
        {
            if (StringData.Length != count)
            {
                throw new ProtocolException(ProtocolErrorReason.ShapeMismatch,
                    $"A String tensor of shape [{string.Join(", ", Info.Fact)}] needs {count} strings, got {StringData.Length}.", Join(path, "string_data"));
            }

            if (!BytesData.IsEmpty)
            {
                throw new ProtocolException(ProtocolErrorReason.ShapeMismatch, "A String tensor carries its elements in string_data; bytes_data must be empty.", Join(path, "bytes_data"));
            }

            return;
        }

        if (!StringData.IsDefaultOrEmpty)
        {
            throw new ProtocolException(ProtocolErrorReason.ShapeMismatch, $"A {Info.DatumType} tensor cannot carry string_data.", Join(path, "string_data"));
        }

        long expected = count * Tensor.GetElementSize(Info.DatumType);
        if (BytesData.Length != expected)
        {
            throw new ProtocolException(ProtocolErrorReason.ShapeMismatch,
                $"A {Tensor.GetWireName(Info.DatumType)} tensor of shape [{string.Join(", ", Info.Fact)}] needs {expected} bytes, got {BytesData.Length}.",
                Join(path, "bytes_data"));
        }
    }

    private static string Join(string? path, string field) => path is null ? field : path + "." + field;
}
