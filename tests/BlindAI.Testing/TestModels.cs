using Google.Protobuf;
using Onnx;

namespace BlindAI.Testing;

/// <summary>Small ONNX models built in code with OnnxSharp's generated protobuf classes, for engine behaviour tests.</summary>
public static class TestModels
{
    // onnx.TensorProto.DataType numbers.
    public const int Float = 1, UInt8 = 2, Int8 = 3, UInt16 = 4, Int16 = 5, Int32 = 6, Int64 = 7, String = 8, Bool = 9,
        Float16 = 10, Double = 11, UInt32 = 12, UInt64 = 13, BFloat16 = 16;

    /// <summary>Y = Relu(X · W + B) with X float [N, 4] (N symbolic) and Y float [N, 3].</summary>
    public static byte[] MatMulAddRelu()
    {
        var w = new TensorProto { Name = "W", DataType = Float };
        w.Dims.AddRange([4, 3]);
        w.FloatData.AddRange(Enumerable.Range(0, 12).Select(i => (i % 5) - 2f));
        var b = new TensorProto { Name = "B", DataType = Float };
        b.Dims.Add(3);
        b.FloatData.AddRange([0.5f, -0.5f, 1f]);
        GraphProto graph = Graph(
            [Node("MatMul", ["X", "W"], ["XW"]), Node("Add", ["XW", "B"], ["Z"]), Node("Relu", ["Z"], ["Y"])],
            [Value("X", Float, "N", 4)],
            [Value("Y", Float, "N", 3)]);
        graph.Initializer.AddRange([w, b]);
        return Serialize(graph);
    }

    /// <summary>C = A − B with A and B float [2, 3]: the order of the inputs matters.</summary>
    public static byte[] Subtract() => Serialize(Graph(
        [Node("Sub", ["A", "B"], ["C"])],
        [Value("A", Float, 2, 3), Value("B", Float, 2, 3)],
        [Value("C", Float, 2, 3)]));

    /// <summary>Y = ReduceSum(X) over every element, X float [N]: ONNX Runtime's vectorised sum starts where X's address lets it.</summary>
    public static byte[] ReduceSum() => Serialize(Graph(
        [Node("ReduceSum", ["X"], ["Y"])],
        [Value("X", Float, "N")],
        [Value("Y", Float)]));

    /// <summary>Y = Identity(X) of the given element type, X of shape [N] (or with no declared shape).</summary>
    public static byte[] Identity(int dataType, bool declareShape = true) => Serialize(Graph(
        [Node("Identity", ["X"], ["Y"])],
        [declareShape ? Value("X", dataType, "N") : Value("X", dataType)],
        [declareShape ? Value("Y", dataType, "N") : Value("Y", dataType)]));

    /// <summary>
    /// Y = X·X·…·X (<paramref name="matMuls"/> multiplications) with X float [n, n]: a run that takes long enough to
    /// observe queueing, and that ONNX Runtime can terminate between nodes.
    /// </summary>
    public static byte[] SlowMatMulChain(int matMuls)
    {
        var nodes = new List<NodeProto>();
        string previous = "X";
        for (int i = 0; i < matMuls; i++)
        {
            string output = i == matMuls - 1 ? "Y" : $"P{i}";
            nodes.Add(Node("MatMul", [previous, "X"], [output]));
            previous = output;
        }

        return Serialize(Graph(nodes, [Value("X", Float, "n", "n")], [Value("Y", Float, "n", "n")]));
    }

    /// <summary>Y = Reshape(X, S) with X float [N] and S int64 [2].</summary>
    public static byte[] Reshape() => Serialize(Graph(
        [Node("Reshape", ["X", "S"], ["Y"])],
        [Value("X", Float, "N"), Value("S", Int64, 2)],
        [Value("Y", Float, "a", "b")]));

    /// <summary>L = SequenceLength(S) with S a sequence of float tensors: an input BlindAI cannot carry.</summary>
    public static byte[] SequenceInput()
    {
        var sequence = new ValueInfoProto { Name = "S", Type = new TypeProto { SequenceType = new TypeProto.Types.Sequence { ElemType = TensorType(Float) } } };
        return Serialize(Graph([Node("SequenceLength", ["S"], ["L"])], [sequence], [Value("L", Int64)]));
    }

    /// <summary>Y = X + W where W claims its data lives in an external file.</summary>
    public static byte[] ExternalInitializer()
    {
        var w = new TensorProto { Name = "W", DataType = Float, DataLocation = TensorProto.Types.DataLocation.External };
        w.Dims.Add(3);
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "/etc/passwd" });
        w.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "12" });
        GraphProto graph = Graph([Node("Add", ["X", "W"], ["Y"])], [Value("X", Float, 3)], [Value("Y", Float, 3)]);
        graph.Initializer.Add(w);
        return Serialize(graph);
    }

    /// <summary>Y = Constant whose value tensor claims external data: hidden in a node attribute rather than an initializer.</summary>
    public static byte[] ExternalConstant()
    {
        NodeProto constant = Node("Constant", [], ["Y"]);
        constant.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = ExternalTensor("C") });
        return Serialize(Graph([constant], [], [Value("Y", Float, 3)]));
    }

    /// <summary>Y = If(B) whose then-branch holds an initializer with external data: hidden one subgraph deep.</summary>
    public static byte[] ExternalDataInSubgraph()
    {
        GraphProto thenBranch = Graph([Node("Identity", ["W"], ["T"])], [], [Value("T", Float, 3)]);
        thenBranch.Initializer.Add(ExternalTensor("W"));
        GraphProto elseBranch = Graph([Node("Identity", ["X"], ["E"])], [], [Value("E", Float, 3)]);
        NodeProto branch = Node("If", ["B"], ["Y"]);
        branch.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = thenBranch });
        branch.Attribute.Add(new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = elseBranch });
        return Serialize(Graph([branch], [Value("B", Bool), Value("X", Float, 3)], [Value("Y", Float, 3)]));
    }

    private static TensorProto ExternalTensor(string name)
    {
        var tensor = new TensorProto { Name = name, DataType = Float, DataLocation = TensorProto.Types.DataLocation.External };
        tensor.Dims.Add(3);
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "appsettings.json" });
        return tensor;
    }

    private static NodeProto Node(string op, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = op, Name = op + "_" + outputs[0] };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }

    private static GraphProto Graph(IEnumerable<NodeProto> nodes, IEnumerable<ValueInfoProto> inputs, IEnumerable<ValueInfoProto> outputs)
    {
        var graph = new GraphProto { Name = "test" };
        graph.Node.AddRange(nodes);
        graph.Input.AddRange(inputs);
        graph.Output.AddRange(outputs);
        return graph;
    }

    /// <summary>A tensor value; dimensions are numbers or symbolic names. No dimensions given and no shape wanted: use the other overload.</summary>
    private static ValueInfoProto Value(string name, int dataType, params object[] dims)
    {
        TypeProto type = TensorType(dataType);
        type.TensorType.Shape = new TensorShapeProto();
        foreach (object dim in dims)
        {
            type.TensorType.Shape.Dim.Add(dim is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto { Name = name, Type = type };
    }

    private static ValueInfoProto Value(string name, int dataType) => new() { Name = name, Type = TensorType(dataType) };

    private static TypeProto TensorType(int dataType) => new() { TensorType = new TypeProto.Types.Tensor { ElemType = dataType } };

    private static byte[] Serialize(GraphProto graph)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "blindai-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model.ToByteArray();
    }
}
