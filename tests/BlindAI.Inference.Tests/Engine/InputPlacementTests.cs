using System.Runtime.InteropServices;
using BlindAI.Protocol.Tensors;
using BlindAI.Testing;

namespace BlindAI.Inference.Tests.Engine;

/// <summary>
/// Request tensors are slices of the request body at whatever offset the message framing left them (a longer tensor
/// name moves them). The outputs must not depend on that: the same inputs give the same bits wherever they sit.
/// </summary>
public sealed class InputPlacementTests : IDisposable
{
    private readonly OnnxInferenceEngine _engine = Engines.Create();

    public void Dispose() => _engine.Dispose();

    [Fact]
    public async Task The_same_inputs_give_the_same_bits_at_every_offset_of_the_request_buffer()
    {
        ModelInfo model = await _engine.UploadAsync(TestModels.ReduceSum());
        var random = new Random(8);
        float[] values = [.. Enumerable.Range(0, 1000).Select(_ => (float)(random.NextDouble() * 20) - 10)];
        byte[] bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

        var sums = new HashSet<string>(StringComparer.Ordinal);
        for (int offset = 0; offset < 64; offset += sizeof(float))
        {
            byte[] body = new byte[bytes.Length + 64];
            bytes.CopyTo(body, offset);
            Tensor sum = Assert.Single(await _engine.RunAsync(model.Id, [Tensor.FromBytes(TensorElementType.Float32, body.AsMemory(offset, bytes.Length), [values.Length])]));
            sums.Add(Convert.ToHexString(sum.Data.Span));
        }

        Assert.Single(sums);
    }
}
