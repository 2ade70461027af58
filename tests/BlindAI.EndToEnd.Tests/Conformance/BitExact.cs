using System.Globalization;
using BlindAI.Protocol.Tensors;

namespace BlindAI.EndToEnd.Tests.Conformance;

/// <summary>
/// Whether two tensors are the same bits: name, element type, shape and every element byte (NaN payloads, signed
/// zeros and subnormals included), or for strings every character. No tolerance.
/// </summary>
internal static class BitExact
{
    /// <returns><see langword="null"/> when identical, else the first difference.</returns>
    public static string? Difference(Tensor local, Tensor wire)
    {
        if (local.Name != wire.Name)
        {
            return $"name '{wire.Name}', in-process '{local.Name}'";
        }

        if (local.ElementType != wire.ElementType)
        {
            return $"element type {wire.ElementType}, in-process {local.ElementType}";
        }

        if (!local.Shape.SequenceEqual(wire.Shape))
        {
            return $"shape [{string.Join(",", wire.Shape)}], in-process [{string.Join(",", local.Shape)}]";
        }

        if (local.ElementType == TensorElementType.String)
        {
            for (int i = 0; i < Math.Max(local.Strings.Length, wire.Strings.Length); i++)
            {
                if (i >= local.Strings.Length || i >= wire.Strings.Length || !string.Equals(local.Strings[i], wire.Strings[i], StringComparison.Ordinal))
                {
                    return string.Create(CultureInfo.InvariantCulture, $"string element {i} differs");
                }
            }

            return null;
        }

        ReadOnlySpan<byte> a = local.Data.Span, b = wire.Data.Span;
        if (a.Length != b.Length)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{b.Length} bytes, in-process {a.Length}");
        }

        int at = a.CommonPrefixLength(b);
        if (at == a.Length)
        {
            return null;
        }

        int size = Tensor.GetElementSize(local.ElementType);
        int element = at / size;
        string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes.Slice(element * size, size));
        return string.Create(CultureInfo.InvariantCulture, $"element {element} has bytes {Hex(b)}, in-process {Hex(a)}");
    }
}
