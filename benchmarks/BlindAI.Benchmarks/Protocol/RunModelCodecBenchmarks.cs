using BenchmarkDotNet.Attributes;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Benchmarks.Protocol;

/// <summary>
/// CBOR encoding and decoding of a <c>/run</c> request and reply carrying a ResNet-sized input (1x3x224x224 float32,
/// 602,112 bytes). Decoding should not copy the tensor bytes; encoding should copy them exactly once.
/// </summary>
[MemoryDiagnoser]
public class RunModelCodecBenchmarks
{
    private readonly MessageCodec _codec = MessageCodec.Default;
    private RunModel _request = null!;
    private byte[] _requestBody = null!;
    private RunModelReply _reply = null!;
    private byte[] _replyBody = null!;

    /// <summary>Builds the request and reply once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var pixels = new float[1 * 3 * 224 * 224];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (float)random.NextDouble();
        }

        _request = RunModel.Create(ModelReference.ById(ModelId.NewId()), [Tensor.Create<float>(pixels, [1, 3, 224, 224], "input")]);
        _requestBody = _codec.EncodeRunModel(_request);
        _reply = RunModelReply.FromTensors([Tensor.Create<float>(new float[1000], [1, 1000], "output")]);
        _replyBody = _codec.EncodeRunModelReply(_reply);
    }

    /// <summary>Client side: request to bytes.</summary>
    /// <returns>The body.</returns>
    [Benchmark]
    public byte[] EncodeRunModel() => _codec.EncodeRunModel(_request);

    /// <summary>Server side: bytes to validated tensors (no copy of the pixels).</summary>
    /// <returns>The input tensor.</returns>
    [Benchmark]
    public Tensor DecodeRunModel() => _codec.DecodeRunModel(_requestBody).Inputs[0];

    /// <summary>Server side: a 1x1000 reply to bytes.</summary>
    /// <returns>The body.</returns>
    [Benchmark]
    public byte[] EncodeRunModelReply() => _codec.EncodeRunModelReply(_reply);

    /// <summary>Client side: reply bytes to tensors.</summary>
    /// <returns>The output tensor.</returns>
    [Benchmark]
    public Tensor DecodeRunModelReply() => _codec.DecodeRunModelReply(_replyBody).Outputs[0];
}
