using BenchmarkDotNet.Attributes;
using BlindAI.Inference;
using BlindAI.Inference.Persistence;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace BlindAI.Benchmarks.Inference;

/// <summary>
/// The engine against a plain <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// on the same model and inputs, both with one intra-op thread: once per call, and two callers at a time. The plain
/// baseline reuses OrtValues made once; the engine pays for everything a request costs (matching, validation, wrapping
/// the request memory, admission, and copying the outputs out). Min and median are shown because on a shared machine
/// the mean mostly measures the neighbours.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public abstract class InferenceBenchmark
{
    private OnnxInferenceEngine _engine = null!;
    private ModelReference _model = null!;
    private Tensor[] _tensors = null!;
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private OrtValue[] _values = null!;
    private string[] _inputNames = null!;
    private string[] _outputNames = null!;

    [GlobalSetup]
    public void Setup()
    {
        byte[] model = LoadModel();
        var options = new InferenceEngineOptions { IntraOpThreads = 1, MaxConcurrentRuns = 2, MaxConcurrentRunsPerModel = 2 };
        _engine = new OnnxInferenceEngine(Options.Create(options), new InMemoryModelRepository(), NullLogger<OnnxInferenceEngine>.Instance, TimeProvider.System);
        ModelInfo info = _engine.UploadAsync(model).GetAwaiter().GetResult();
        _model = ModelReference.ById(info.Id);
        _tensors = CreateInputs();

        using var sessionOptions = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(model, sessionOptions);
        _runOptions = new RunOptions();
        _inputNames = [.. info.Inputs.Select(i => i.Name)];
        _outputNames = [.. info.Outputs.Select(o => o.Name)];
        _values = [.. _tensors.Select(ToOrtValue)];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (OrtValue value in _values)
        {
            value.Dispose();
        }

        _runOptions.Dispose();
        _session.Dispose();
        _engine.Dispose();
    }

    [Benchmark(Baseline = true, Description = "InferenceSession.Run")]
    public float OnnxRuntime()
    {
        using IDisposableReadOnlyCollection<OrtValue> outputs = _session.Run(_runOptions, _inputNames, _values, _outputNames);
        return outputs[0].GetTensorDataAsSpan<float>()[0];
    }

    [Benchmark(Description = "OnnxInferenceEngine.RunAsync")]
    public async Task<Tensor> Engine() => (await _engine.RunAsync(_model, _tensors).ConfigureAwait(false))[0];

    [Benchmark(Description = "InferenceSession.Run, 2 callers", OperationsPerInvoke = 2)]
    public Task OnnxRuntimeTwoCallers() => Task.WhenAll(Task.Run(OnnxRuntime), Task.Run(OnnxRuntime));

    [Benchmark(Description = "OnnxInferenceEngine.RunAsync, 2 callers", OperationsPerInvoke = 2)]
    public Task EngineTwoCallers() => Task.WhenAll(Task.Run(Engine), Task.Run(Engine));

    protected abstract byte[] LoadModel();

    protected abstract Tensor[] CreateInputs();

    private static OrtValue ToOrtValue(Tensor tensor) => tensor.ElementType switch
    {
        TensorElementType.Float32 => OrtValue.CreateTensorValueFromMemory(tensor.ToArray<float>(), [.. tensor.Shape]),
        TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory(tensor.ToArray<long>(), [.. tensor.Shape]),
        _ => throw new NotSupportedException($"{tensor.ElementType} inputs are not used by these benchmarks."),
    };
}
