using BlindAI.Protocol.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace BlindAI.Inference.Runtime;

/// <summary>Copies an ONNX Runtime output once into a <see cref="Tensor"/>.</summary>
internal static class OutputReader
{
    public static Tensor ToTensor(OrtValue value, string name)
    {
        if (value.OnnxType != OnnxValueType.ONNX_TYPE_TENSOR)
        {
            throw new InferenceException(InferenceErrorReason.RunFailed, $"Output '{name}' is a {value.OnnxType}, not a tensor.");
        }

        OrtTensorTypeAndShapeInfo info = value.GetTensorTypeAndShape();
        TensorElementType elementType = ElementTypes.FromOrt(info.ElementDataType)
            ?? throw new InferenceException(InferenceErrorReason.RunFailed, $"Output '{name}' has element type {info.ElementDataType}, which BlindAI cannot carry.");
        long[] shape = info.Shape;
        if (elementType == TensorElementType.String)
        {
            return Tensor.FromStrings(value.GetStringTensorAsArray(), shape, name);
        }

        return Tensor.FromBytes(elementType, value.GetTensorMutableRawData().ToArray(), shape, name);
    }
}
