using System.Globalization;
using System.Runtime.InteropServices;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Testing;

/// <summary>Compares an output with its reference as the ONNX backend tests do: floats within rtol/atol (NaN equals NaN), the rest exactly.</summary>
public static class TensorComparer
{
    public const double RelativeTolerance = 1e-3, AbsoluteTolerance = 1e-5;

    /// <returns><see langword="null"/> when equal, else what differs.</returns>
    /// <summary>The first output of a data set that differs from its expected value, described; <see langword="null"/> when all agree.</summary>
    public static string? FirstDifference(IReadOnlyList<Tensor> expected, IReadOnlyList<Tensor> actual, string set)
    {
        if (actual.Count != expected.Count)
        {
            return $"{set}: {actual.Count} outputs, expected {expected.Count}";
        }

        for (int i = 0; i < expected.Count; i++)
        {
            if (Difference(expected[i], actual[i]) is { } difference)
            {
                return $"{set}: output '{expected[i].Name}': {difference}";
            }
        }

        return null;
    }

    public static string? Difference(Tensor expected, Tensor actual)
    {
        if (expected.ElementType != actual.ElementType)
        {
            return $"element type {actual.ElementType}, expected {expected.ElementType}";
        }

        if (!expected.Shape.SequenceEqual(actual.Shape))
        {
            return $"shape [{string.Join(",", actual.Shape)}], expected [{string.Join(",", expected.Shape)}]";
        }

        if (expected.ElementType == TensorElementType.String)
        {
            return expected.Strings.SequenceEqual(actual.Strings) ? null : "strings differ";
        }

        double[]? e = AsDoubles(expected), a = AsDoubles(actual);
        if (e is null || a is null)
        {
            return expected.Data.Span.SequenceEqual(actual.Data.Span) ? null : "elements differ";
        }

        double tolerance = expected.ElementType is TensorElementType.Float16 or TensorElementType.BFloat16 ? 1e-2 : RelativeTolerance;
        for (int i = 0; i < e.Length; i++)
        {
            bool same = (double.IsNaN(e[i]) && double.IsNaN(a[i]))
                || e[i] == a[i]
                || Math.Abs(e[i] - a[i]) <= AbsoluteTolerance + (tolerance * Math.Abs(e[i]));
            if (!same)
            {
                return string.Create(CultureInfo.InvariantCulture, $"element {i} is {a[i]}, expected {e[i]}");
            }
        }

        return null;
    }

    private static double[]? AsDoubles(Tensor t) => t.ElementType switch
    {
        TensorElementType.Float32 => [.. MemoryMarshal.Cast<byte, float>(t.Data.Span).ToArray().Select(v => (double)v)],
        TensorElementType.Float64 => MemoryMarshal.Cast<byte, double>(t.Data.Span).ToArray(),
        TensorElementType.Float16 => [.. MemoryMarshal.Cast<byte, Half>(t.Data.Span).ToArray().Select(v => (double)v)],
        TensorElementType.BFloat16 => [.. MemoryMarshal.Cast<byte, ushort>(t.Data.Span).ToArray().Select(v => (double)BitConverter.Int32BitsToSingle(v << 16))],
        _ => null,
    };
}
