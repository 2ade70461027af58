namespace BlindAI.Inference.Runtime;

/// <summary>
/// Reads the parts of an ONNX <c>ModelProto</c> that ONNX Runtime's metadata does not expose, before ONNX Runtime
/// parses the model: whether any tensor keeps its data in an external file (refused: an uploaded model must not make
/// the server read files from its disk into tensors a caller can see), and which graph inputs and outputs declare no shape.
/// </summary>
internal static class OnnxModelScanner
{
    // Field numbers from onnx.proto3.
    private const int ModelGraph = 7, ModelTrainingInfo = 20, ModelFunctions = 25;
    private const int GraphNode = 1, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12, GraphSparseInitializer = 15;
    private const int NodeAttribute = 5;
    private const int AttributeTensor = 5, AttributeGraph = 6, AttributeTensors = 10, AttributeGraphs = 11, AttributeSparseTensor = 22, AttributeSparseTensors = 23;
    private const int TensorExternalData = 13, TensorDataLocation = 14, DataLocationExternal = 1;
    private const int SparseValues = 1, SparseIndices = 2;
    private const int FunctionNode = 7;
    private const int TrainingInitialization = 1, TrainingAlgorithm = 2;
    private const int ValueInfoName = 1, ValueInfoType = 2, TypeTensor = 1, TensorTypeShape = 2;
    private const int MaxGraphDepth = 64;

    /// <summary>Scans the model.</summary>
    /// <returns>The names of the main graph's inputs and outputs that are tensors without a declared shape.</returns>
    /// <exception cref="InferenceException"><see cref="InferenceErrorReason.InvalidModel"/>: malformed, too deeply nested, or uses external data.</exception>
    public static HashSet<string> Scan(ReadOnlySpan<byte> model)
    {
        var shapeless = new HashSet<string>(StringComparer.Ordinal);
        var reader = new ProtoReader(model);
        while (reader.TryReadTag(out int field, out int wireType))
        {
            switch (field)
            {
                case ModelGraph when wireType == ProtoReader.LengthDelimited:
                    ScanGraph(reader.ReadBytes(), 0, shapeless);
                    break;
                case ModelFunctions when wireType == ProtoReader.LengthDelimited:
                    ScanFunction(reader.ReadBytes(), 0);
                    break;
                case ModelTrainingInfo when wireType == ProtoReader.LengthDelimited:
                    ScanTrainingInfo(reader.ReadBytes(), 0);
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return shapeless;
    }

    private static void ScanGraph(ReadOnlySpan<byte> graph, int depth, HashSet<string>? shapeless)
    {
        if (depth > MaxGraphDepth)
        {
            throw Invalid($"The model nests subgraphs more than {MaxGraphDepth} deep.");
        }

        ForEachMessageField(graph, (field, value) =>
        {
            switch (field)
            {
                case GraphNode:
                    ScanNode(value, depth);
                    break;
                case GraphInitializer:
                    ScanTensor(value);
                    break;
                case GraphSparseInitializer:
                    ScanSparseTensor(value);
                    break;
                case GraphInput or GraphOutput when shapeless is not null:
                    NoteShapeless(value, shapeless);
                    break;
            }
        });
    }

    private static void ScanAttribute(ReadOnlySpan<byte> attribute, int depth) => ForEachMessageField(attribute, (field, value) =>
    {
        switch (field)
        {
            case AttributeTensor or AttributeTensors:
                ScanTensor(value);
                break;
            case AttributeSparseTensor or AttributeSparseTensors:
                ScanSparseTensor(value);
                break;
            case AttributeGraph or AttributeGraphs:
                ScanGraph(value, depth + 1, null);
                break;
        }
    });

    private static void ScanNode(ReadOnlySpan<byte> node, int depth) => ForEachMessageField(node, (field, attribute) =>
    {
        if (field == NodeAttribute)
        {
            ScanAttribute(attribute, depth);
        }
    });

    private static void ScanFunction(ReadOnlySpan<byte> function, int depth) => ForEachMessageField(function, (field, node) =>
    {
        if (field == FunctionNode)
        {
            ScanNode(node, depth);
        }
    });

    private static void ScanTrainingInfo(ReadOnlySpan<byte> trainingInfo, int depth) => ForEachMessageField(trainingInfo, (field, graph) =>
    {
        if (field is TrainingInitialization or TrainingAlgorithm)
        {
            ScanGraph(graph, depth + 1, null);
        }
    });

    private static void ScanSparseTensor(ReadOnlySpan<byte> sparse) => ForEachMessageField(sparse, (field, tensor) =>
    {
        if (field is SparseValues or SparseIndices)
        {
            ScanTensor(tensor);
        }
    });

    /// <summary>Calls <paramref name="visit"/> for each length-delimited field of a message (sub-messages, strings, bytes); skips the rest.</summary>
    private static void ForEachMessageField(ReadOnlySpan<byte> message, FieldVisitor visit)
    {
        var reader = new ProtoReader(message);
        while (reader.TryReadTag(out int field, out int wireType))
        {
            if (wireType == ProtoReader.LengthDelimited)
            {
                visit(field, reader.ReadBytes());
            }
            else
            {
                reader.Skip(wireType);
            }
        }
    }

    private static void ScanTensor(ReadOnlySpan<byte> tensor)
    {
        var reader = new ProtoReader(tensor);
        while (reader.TryReadTag(out int field, out int wireType))
        {
            if (field == TensorExternalData)
            {
                throw Invalid("The model keeps tensor data in external files; upload a self-contained model.");
            }

            if (field == TensorDataLocation && wireType == ProtoReader.Varint)
            {
                if (reader.ReadVarint() == DataLocationExternal)
                {
                    throw Invalid("The model keeps tensor data in external files; upload a self-contained model.");
                }

                continue;
            }

            reader.Skip(wireType);
        }
    }

    private static void NoteShapeless(ReadOnlySpan<byte> valueInfo, HashSet<string> shapeless)
    {
        string? name = null;
        bool isTensor = false, hasShape = false;
        var reader = new ProtoReader(valueInfo);
        while (reader.TryReadTag(out int field, out int wireType))
        {
            if (field == ValueInfoName && wireType == ProtoReader.LengthDelimited)
            {
                name = System.Text.Encoding.UTF8.GetString(reader.ReadBytes());
            }
            else if (field == ValueInfoType && wireType == ProtoReader.LengthDelimited)
            {
                var type = new ProtoReader(reader.ReadBytes());
                while (type.TryReadTag(out int typeField, out int typeWire))
                {
                    if (typeField == TypeTensor && typeWire == ProtoReader.LengthDelimited)
                    {
                        isTensor = true;
                        var tensorType = new ProtoReader(type.ReadBytes());
                        while (tensorType.TryReadTag(out int tensorField, out int tensorWire))
                        {
                            hasShape |= tensorField == TensorTypeShape;
                            tensorType.Skip(tensorWire);
                        }
                    }
                    else
                    {
                        type.Skip(typeWire);
                    }
                }
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        if (name is not null && isTensor && !hasShape)
        {
            shapeless.Add(name);
        }
    }

    private delegate void FieldVisitor(int field, ReadOnlySpan<byte> value);

    internal static InferenceException Invalid(string message) => new(InferenceErrorReason.InvalidModel, message);
}
