using System.Buffers;
using BlindAI.Client.Connection;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Client.Tests.Unit;

/// <summary>The run body written from a sequence: every chunk, in order, with the length declared up front.</summary>
public sealed class SequenceContentTests
{
    [Fact]
    public async Task A_body_with_referenced_tensors_is_sent_as_the_encoded_message()
    {
        RunModel request = RunModel.Create(
            ModelReference.ById(ModelId.NewId()),
            [Tensor.Create<float>(new float[50_000], [50_000], "a"), Tensor.Create<long>([7], [1], "b"), Tensor.Create<byte>(new byte[70_000], [70_000], "c")]);
        ReadOnlySequence<byte> body = MessageCodec.Default.EncodeRunModelReferencing(request);
        Assert.False(body.IsSingleSegment);
        using var content = new SequenceContent(body);
        var sent = new MemoryStream();

        Assert.Equal(body.Length, content.Headers.ContentLength);
        await content.CopyToAsync(sent);

        Assert.Equal(MessageCodec.Default.EncodeRunModel(request), sent.ToArray());
    }
}
