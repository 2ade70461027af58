using BenchmarkDotNet.Attributes;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;

namespace BlindAI.Benchmarks.Protocol;

/// <summary>
/// Decoding a 4 MiB model upload in both wire forms: a byte string (the .NET client; no copy) and an array of
/// integers (what the original Python client sends; one CBOR item per byte).
/// </summary>
[MemoryDiagnoser]
public class UploadModelCodecBenchmarks
{
    private readonly MessageCodec _codec = MessageCodec.Default;
    private byte[] _byteStringBody = null!;
    private byte[] _integerArrayBody = null!;

    /// <summary>Encodes the upload once in each form.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var model = new byte[4 * 1024 * 1024];
        new Random(42).NextBytes(model);
        UploadModel upload = UploadModel.Create(model, "model.onnx");
        _byteStringBody = _codec.EncodeUploadModel(upload, ModelBytesEncoding.ByteString);
        _integerArrayBody = _codec.EncodeUploadModel(upload, ModelBytesEncoding.IntegerArray);
    }

    /// <summary>Byte-string form.</summary>
    /// <returns>The decoded upload.</returns>
    [Benchmark(Baseline = true)]
    public UploadModel DecodeByteString() => _codec.DecodeUploadModel(_byteStringBody);

    /// <summary>Integer-array form (Python client).</summary>
    /// <returns>The decoded upload.</returns>
    [Benchmark]
    public UploadModel DecodeIntegerArray() => _codec.DecodeUploadModel(_integerArrayBody);
}
