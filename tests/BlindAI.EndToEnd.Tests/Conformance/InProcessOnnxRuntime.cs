using System.Collections.Immutable;
using BlindAI.Inference;
using BlindAI.Protocol.Tensors;
using BlindAI.Testing;
using Microsoft.ML.OnnxRuntime;
using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace BlindAI.EndToEnd.Tests.Conformance;

/// <summary>
/// A plain ONNX Runtime session in this process, with the session settings the sample host's engine uses by default
/// (its graph optimisation level and intra-op thread count), so that the same model on the same inputs must give the
/// same bits. It shares no code with the engine: values are built and read here independently.
/// </summary>
internal sealed class InProcessOnnxRuntime : IDisposable
{
    private readonly InferenceSession _session;

    public InProcessOnnxRuntime(byte[] model)
    {
        var engineDefaults = new InferenceEngineOptions();
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = engineDefaults.GraphOptimizationLevel,
            IntraOpNumThreads = engineDefaults.IntraOpThreads,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        _session = new InferenceSession(model, options);
        Inputs = [.. _session.InputNames.Select(name => (name, ElementType(_session.InputMetadata[name].ElementDataType, name)))];
        Outputs = [.. _session.OutputNames.Select(name => (name, ElementType(_session.OutputMetadata[name].ElementDataType, name)))];
    }

    /// <summary>The graph inputs (initializers excluded) in order, with their BlindAI element types.</summary>
    public ImmutableArray<(string Name, TensorElementType ElementType)> Inputs { get; }

    /// <summary>The graph outputs in order, with their BlindAI element types.</summary>
    public ImmutableArray<(string Name, TensorElementType ElementType)> Outputs { get; }

    public IReadOnlyList<Tensor> Run(IReadOnlyList<Tensor> inputs)
    {
        var values = new List<OrtValue>(inputs.Count);
        try
        {
            foreach (Tensor input in inputs)
            {
                values.Add(ToOrtValue(input));
            }

            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> outputs = _session.Run(
                runOptions, [.. inputs.Select(t => t.Name!)], values, [.. Outputs.Select(o => o.Name)]);
            return [.. outputs.Select((value, i) => ToTensor(value, Outputs[i].Name))];
        }
        finally
        {
            foreach (OrtValue value in values)
            {
                value.Dispose();
            }
        }
    }

    public void Dispose() => _session.Dispose();

    private static OrtValue ToOrtValue(Tensor tensor)
    {
        long[] shape = [.. tensor.Shape];
        if (tensor.ElementType == TensorElementType.String)
        {
            OrtValue strings = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
            for (int i = 0; i < tensor.Strings.Length; i++)
            {
                strings.StringTensorSetElementAt(tensor.Strings[i].AsSpan(), i);
            }

            return strings;
        }

        OrtValue value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, OrtType(tensor.ElementType), shape);
        if (!tensor.Data.IsEmpty)
        {
            tensor.Data.Span.CopyTo(value.GetTensorMutableRawData());
        }

        return value;
    }

    private static Tensor ToTensor(OrtValue value, string name)
    {
        if (value.OnnxType != OnnxValueType.ONNX_TYPE_TENSOR)
        {
            throw new InvalidOperationException($"Output '{name}' is a {value.OnnxType}, not a tensor.");
        }

        OrtTensorTypeAndShapeInfo info = value.GetTensorTypeAndShape();
        TensorElementType type = ElementType(info.ElementDataType, name);
        return type == TensorElementType.String
            ? Tensor.FromStrings(value.GetStringTensorAsArray(), info.Shape, name)
            : Tensor.FromBytes(type, info.ElementCount == 0 ? Array.Empty<byte>() : value.GetTensorMutableRawData().ToArray(), info.Shape, name);
    }

    // ONNX Runtime numbers its element types as ONNX's TensorProto.DataType does.
    private static TensorElementType ElementType(OrtElementType type, string name) =>
        TensorProtoReader.ElementType((int)type) ?? throw new NotSupportedException($"'{name}' has ONNX Runtime element type {type}, which has no BlindAI element type.");

    private static OrtElementType OrtType(TensorElementType type) => (OrtElementType)OnnxElementType(type);

    /// <summary>The ONNX <c>TensorProto.DataType</c> number of a BlindAI element type (the inverse of the backend tests' own mapping).</summary>
    public static int OnnxElementType(TensorElementType type) =>
        Enumerable.Range(0, 32).First(onnx => TensorProtoReader.ElementType(onnx) == type);
}
