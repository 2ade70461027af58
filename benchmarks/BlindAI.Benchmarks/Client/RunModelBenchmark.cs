using BenchmarkDotNet.Attributes;
using BlindAI.Client;
using BlindAI.Client.Models;
using BlindAI.Inference;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Benchmarks.Client;

/// <summary>
/// <see cref="BlindAIClient.RunModelAsync"/> over loopback (real TLS pinned to the attested key, HTTP, CBOR both
/// ways, the host's middleware and limits) against the host's own engine called in-process on the same model and
/// inputs: the difference is the client–server overhead per call. Also two clients (each with its own connection)
/// calling at once, against two in-process callers.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public abstract class RunModelBenchmark
{
    private LoopbackHost _host = null!;
    private BlindAIClient _client = null!;
    private BlindAIClient _second = null!;
    private UploadedModel _model = null!;
    private Tensor[] _inputs = null!;

    [GlobalSetup]
    public void Setup()
    {
        _host = LoopbackHost.Start();
        _client = _host.Connect();
        _second = _host.Connect();
        _model = _client.UploadModelAsync(ModelSource.FromBytes(LoadModel())).GetAwaiter().GetResult();
        _inputs = CreateInputs();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _second.Dispose();
        _client.Dispose();
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "IInferenceEngine.RunAsync, in-process")]
    public async Task<Tensor> Engine() => (await _host.Engine.RunAsync(ModelReference.ById(_model.Id), _inputs).ConfigureAwait(false))[0];

    [Benchmark(Description = "BlindAIClient.RunModelAsync, loopback")]
    public Task<Tensor> Client() => RunAsync(_client);

    [Benchmark(Description = "IInferenceEngine.RunAsync, 2 callers", OperationsPerInvoke = 2)]
    public Task EngineTwoCallers() => Task.WhenAll(Task.Run(Engine), Task.Run(Engine));

    [Benchmark(Description = "BlindAIClient.RunModelAsync, 2 clients", OperationsPerInvoke = 2)]
    public Task ClientTwoClients() => Task.WhenAll(Task.Run(() => RunAsync(_client)), Task.Run(() => RunAsync(_second)));

    protected abstract byte[] LoadModel();

    protected abstract Tensor[] CreateInputs();

    private async Task<Tensor> RunAsync(BlindAIClient client) =>
        (await client.RunModelAsync(_model.Id, _inputs).ConfigureAwait(false))[0];
}
