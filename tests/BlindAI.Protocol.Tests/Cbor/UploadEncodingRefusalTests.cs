using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;

namespace BlindAI.Protocol.Tests.Cbor;

/// <summary>The upload encoder refuses what every decoder refuses, with the decoder's reasons.</summary>
public sealed class UploadEncodingRefusalTests
{
    [Theory]
    [InlineData(ModelBytesEncoding.ByteString)]
    [InlineData(ModelBytesEncoding.IntegerArray)]
    public void An_empty_model_is_not_encoded(ModelBytesEncoding encoding)
    {
        ProtocolException refused = Assert.Throws<ProtocolException>(() => MessageCodec.Default.EncodeUploadModel(UploadModel.Create(ReadOnlyMemory<byte>.Empty, "m", null), encoding));

        Assert.Equal(ProtocolErrorReason.EmptyModel, refused.Reason);
    }

    [Theory]
    [InlineData(0UL, ProtocolErrorReason.EmptyModel)]
    [InlineData(3UL, ProtocolErrorReason.ModelLengthMismatch)]
    [InlineData(5UL, ProtocolErrorReason.ModelLengthMismatch)]
    public void A_declared_length_other_than_the_model_size_is_not_encoded(ulong declared, ProtocolErrorReason reason)
    {
        UploadModel upload = UploadModel.Create(new byte[] { 1, 2, 3, 4 }, "m", null) with { Length = declared };

        ProtocolException refused = Assert.Throws<ProtocolException>(() => MessageCodec.Default.EncodeUploadModel(upload));

        Assert.Equal(reason, refused.Reason);
    }

    [Fact]
    public void A_consistent_upload_still_round_trips()
    {
        byte[] body = MessageCodec.Default.EncodeUploadModel(UploadModel.Create(new byte[] { 1, 2, 3, 4 }, "m", null));

        Assert.Equal(4UL, MessageCodec.Default.DecodeUploadModel(body).Length);
    }
}
