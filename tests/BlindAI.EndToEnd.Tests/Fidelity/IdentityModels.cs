using Google.Protobuf;
using Onnx;

namespace BlindAI.EndToEnd.Tests.Fidelity;

/// <summary>Y = Identity(X) of one ONNX element type, X and Y of any shape: what goes in must come out, bit for bit.</summary>
internal static class IdentityModels
{
    public static byte[] Of(int onnxElementType)
    {
        var graph = new GraphProto { Name = "identity" };
        var node = new NodeProto { OpType = "Identity", Name = "identity" };
        node.Input.Add("X");
        node.Output.Add("Y");
        graph.Node.Add(node);
        graph.Input.Add(new ValueInfoProto { Name = "X", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = onnxElementType } } });
        graph.Output.Add(new ValueInfoProto { Name = "Y", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = onnxElementType } } });
        var model = new ModelProto { IrVersion = 8, ProducerName = "blindai-end-to-end-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model.ToByteArray();
    }
}
