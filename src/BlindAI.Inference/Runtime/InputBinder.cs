using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using BlindAI.Protocol.Tensors;
using Microsoft.ML.OnnxRuntime;
using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace BlindAI.Inference.Runtime;

/// <summary>Matches request tensors to model inputs, checks them against the model, and wraps them as ONNX Runtime values.</summary>
internal static class InputBinder
{
    /// <summary>
    /// Orders <paramref name="inputs"/> as the model's inputs: named tensors go to the input of that name, unnamed ones fill
    /// the remaining inputs in order (as BlindAI did). Every check happens here, before ONNX Runtime sees anything.
    /// </summary>
    /// <exception cref="InferenceException"><see cref="InferenceErrorReason.InvalidInput"/> or <see cref="InferenceErrorReason.RequestTooLarge"/>.</exception>
    public static Tensor[] Match(LoadedModel model, IReadOnlyList<Tensor> inputs, long maxRequestBytes)
    {
        TensorSpec[] specs = model.Inputs;
        if (inputs.Count > specs.Length)
        {
            throw Invalid(null, $"{specs.Length} input(s)", $"{inputs.Count} tensors", $"The model takes {specs.Length} input(s), the request has {inputs.Count}.");
        }

        var ordered = new Tensor?[specs.Length];
        for (int k = 0; k < inputs.Count; k++)
        {
            Tensor tensor = inputs[k] ?? throw Invalid($"#{k}", "a tensor", "null", $"Input #{k} is null.");
            if (tensor.Name is null)
            {
                continue;
            }

            if (!model.InputIndex.TryGetValue(tensor.Name, out int index))
            {
                throw Invalid(tensor.Name, string.Join(", ", model.InputNames), tensor.Name, $"The model has no input named '{tensor.Name}'.");
            }

            if (ordered[index] is not null)
            {
                throw Invalid(tensor.Name, "one tensor", "several", $"Input '{tensor.Name}' is given more than once.");
            }

            ordered[index] = tensor;
        }

        int next = 0;
        for (int k = 0; k < inputs.Count; k++)
        {
            if (inputs[k].Name is not null)
            {
                continue;
            }

            while (next < ordered.Length && ordered[next] is not null)
            {
                next++;
            }

            if (next == ordered.Length)
            {
                throw Invalid($"#{k}", $"{specs.Length} input(s)", "an extra positional tensor", $"Positional input #{k} has no model input left to fill.");
            }

            ordered[next++] = inputs[k];
        }

        long total = 0;
        var result = new Tensor[specs.Length];
        for (int i = 0; i < specs.Length; i++)
        {
            TensorSpec spec = specs[i];
            Tensor tensor = ordered[i] ?? throw Invalid(spec.Name, $"{spec.ElementType} {spec.FormatShape()}", "missing", $"Input '{spec.Name}' is missing.");
            total += Check(spec, tensor);
            if (total > maxRequestBytes)
            {
                throw new InferenceException(InferenceErrorReason.RequestTooLarge, $"The inputs exceed the {maxRequestBytes}-byte request limit.")
                {
                    Expected = $"at most {maxRequestBytes} bytes",
                    Actual = $"more than {maxRequestBytes} bytes",
                };
            }

            result[i] = tensor;
        }

        return result;
    }

    /// <summary>Checks one tensor against its input; returns its size in bytes.</summary>
    private static long Check(TensorSpec spec, Tensor tensor)
    {
        if (tensor.ElementType != spec.ElementType)
        {
            throw Invalid(spec.Name, spec.ElementType.ToString(), tensor.ElementType.ToString(),
                $"Input '{spec.Name}' must hold {spec.ElementType} elements, not {tensor.ElementType}.");
        }

        if (spec.Shape is { } shape)
        {
            bool matches = shape.Count == tensor.Shape.Length;
            for (int d = 0; matches && d < shape.Count; d++)
            {
                matches = shape[d] is not { } fixedSize || fixedSize == tensor.Shape[d];
            }

            if (!matches)
            {
                string actual = "[" + string.Join(", ", tensor.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
                throw Invalid(spec.Name, spec.FormatShape(), actual, $"Input '{spec.Name}' must have shape {spec.FormatShape()}, not {actual}.");
            }
        }

        if (tensor.ElementType == TensorElementType.String)
        {
            if (tensor.Strings.Length != tensor.ElementCount)
            {
                throw Invalid(spec.Name, $"{tensor.ElementCount} strings", $"{tensor.Strings.Length} strings", $"Input '{spec.Name}' has the wrong number of strings.");
            }

            long bytes = 0;
            foreach (string s in tensor.Strings)
            {
                bytes += Encoding.UTF8.GetByteCount(s);
            }

            return bytes;
        }

        long expected = tensor.ElementCount * Tensor.GetElementSize(tensor.ElementType);
        if (tensor.Data.Length != expected)
        {
            throw Invalid(spec.Name, $"{expected} bytes", $"{tensor.Data.Length} bytes", $"Input '{spec.Name}' must hold {expected} bytes for its shape, not {tensor.Data.Length}.");
        }

        if (tensor.ElementType == TensorElementType.Bool && tensor.Data.Span.IndexOfAnyExcept((byte)0, (byte)1) >= 0)
        {
            throw Invalid(spec.Name, "bytes 0 or 1", "another byte value", $"Input '{spec.Name}' holds a boolean that is neither 0 nor 1.");
        }

        return expected;
    }

    /// <summary>
    /// The alignment of ONNX Runtime's own CPU allocations. Some of its kernels (reductions, einsum, normalisation) sum
    /// in a different order depending on where the input starts, so the last bit of their results depends on the input's
    /// address: data is used in place only at this alignment, where it gives the same bits as an ONNX Runtime tensor.
    /// </summary>
    private const int OrtAllocationAlignment = 64;

    /// <summary>
    /// Wraps a checked tensor as an ONNX Runtime value. Numeric data is pinned and used in place when it sits where ONNX
    /// Runtime itself would put it (<see cref="OrtAllocationAlignment"/>); data elsewhere (usually a slice of the
    /// request body, at whatever offset the message framing left it) is copied once into ONNX Runtime memory, so the
    /// outputs are the same bits whatever the framing and equal to running ONNX Runtime on its own tensors.
    /// </summary>
    public static OrtValue CreateValue(Tensor tensor, OrtElementType ortType, out MemoryHandle pin)
    {
        pin = default;
        long[] shape = ImmutableCollectionsMarshal.AsArray(tensor.Shape) ?? [];
        if (tensor.ElementType == TensorElementType.String)
        {
            OrtValue strings = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
            for (int i = 0; i < tensor.Strings.Length; i++)
            {
                strings.StringTensorSetElementAt(tensor.Strings[i].AsSpan(), i);
            }

            return strings;
        }

        if (tensor.Data.IsEmpty)
        {
            return OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, ortType, shape);
        }

        unsafe
        {
            pin = tensor.Data.Pin();
            nuint address = (nuint)pin.Pointer;
            if (address % OrtAllocationAlignment == 0)
            {
                return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, ortType, shape, (IntPtr)pin.Pointer, tensor.Data.Length);
            }

            pin.Dispose();
            pin = default;
        }

        OrtValue copy = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, ortType, shape);
        tensor.Data.Span.CopyTo(copy.GetTensorMutableRawData());
        return copy;
    }

    private static InferenceException Invalid(string? input, string expected, string actual, string message) =>
        new(InferenceErrorReason.InvalidInput, message) { InputName = input, Expected = expected, Actual = actual };
}
