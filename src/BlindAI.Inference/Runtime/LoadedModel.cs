using BlindAI.Protocol.Tensors;
using Microsoft.ML.OnnxRuntime;
using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace BlindAI.Inference.Runtime;

/// <summary>
/// One ONNX Runtime session and what the engine knows about it, shared by every model id uploaded with the same bytes.
/// Reference counts (guarded by the engine's lock) keep it alive while an id or a run uses it.
/// </summary>
internal sealed class LoadedModel
{
    private LoadedModel(InferenceSession session, string sha256, TensorSpec[] inputs, TensorSpec[] outputs, int maxConcurrentRuns)
    {
        Session = session;
        Sha256 = sha256;
        Inputs = inputs;
        Outputs = outputs;
        InputNames = [.. inputs.Select(i => i.Name)];
        OutputNames = [.. outputs.Select(o => o.Name)];
        InputOrtTypes = [.. inputs.Select(i => ElementTypes.ToOrt(i.ElementType))];
        InputIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < InputNames.Length; i++)
        {
            InputIndex[InputNames[i]] = i;
        }

        Slots = new SemaphoreSlim(maxConcurrentRuns, maxConcurrentRuns);
    }

    public InferenceSession Session { get; }

    public string Sha256 { get; }

    public TensorSpec[] Inputs { get; }

    public TensorSpec[] Outputs { get; }

    public string[] InputNames { get; }

    public string[] OutputNames { get; }

    public OrtElementType[] InputOrtTypes { get; }

    public Dictionary<string, int> InputIndex { get; }

    /// <summary>Run slots of this model (<see cref="InferenceEngineOptions.MaxConcurrentRunsPerModel"/>).</summary>
    public SemaphoreSlim Slots { get; }

    /// <summary>Runs of this model running or waiting; changed with <see cref="Interlocked"/>.</summary>
    public int Admitted;

    /// <summary>Model ids using this session (engine lock).</summary>
    public int IdReferences;

    /// <summary>Ids plus runs using this session (engine lock); the session is disposed when it reaches zero.</summary>
    public int References;

    /// <summary>Describes a freshly created session, or refuses a model whose inputs or outputs BlindAI cannot carry.</summary>
    /// <exception cref="InferenceException"><see cref="InferenceErrorReason.UnsupportedModel"/>.</exception>
    public static LoadedModel Create(InferenceSession session, string sha256, HashSet<string> shapeless, int maxConcurrentRuns)
    {
        TensorSpec[] inputs = Describe(session.InputNames, session.InputMetadata, "input", shapeless);
        TensorSpec[] outputs = Describe(session.OutputNames, session.OutputMetadata, "output", shapeless);
        return new LoadedModel(session, sha256, inputs, outputs, maxConcurrentRuns);
    }

    private static TensorSpec[] Describe(IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> metadata, string role, HashSet<string> shapeless)
    {
        var specs = new TensorSpec[names.Count];
        for (int i = 0; i < specs.Length; i++)
        {
            string name = names[i];
            NodeMetadata node = metadata[name];
            if (node.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR)
            {
                throw new InferenceException(InferenceErrorReason.UnsupportedModel,
                    $"The model's {role} '{name}' is a {Describe(node.OnnxValueType)}; BlindAI carries tensors only.");
            }

            TensorElementType elementType = ElementTypes.FromOrt(node.ElementDataType)
                ?? throw new InferenceException(InferenceErrorReason.UnsupportedModel,
                    $"The model's {role} '{name}' has element type {node.ElementDataType}, which BlindAI cannot carry.");
            long?[]? shape = shapeless.Contains(name) ? null : [.. node.Dimensions.Select(d => d < 0 ? (long?)null : d)];
            specs[i] = new TensorSpec(name, elementType, shape);
        }

        return specs;
    }

    private static string Describe(OnnxValueType type) => type switch
    {
        OnnxValueType.ONNX_TYPE_SEQUENCE => "sequence",
        OnnxValueType.ONNX_TYPE_MAP => "map",
        OnnxValueType.ONNX_TYPE_OPTIONAL => "optional value",
        OnnxValueType.ONNX_TYPE_SPARSETENSOR => "sparse tensor",
        _ => type.ToString(),
    };
}
