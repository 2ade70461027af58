using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;

namespace BlindAI.Protocol.Tests.Cbor;

/// <summary>The upload encoder refuses what every decoder refuses, with the decoder's reasons.</summary>
public sealed class UploadEncodingRefusalTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_empty_model_is_not_encoded(bool asIntegers)
    {
        ModelBytesEncoding encoding = asIntegers ? ModelBytesEncoding.IntegerArray : ModelBytesEncoding.ByteString;
        ProtocolException refused = Assert.Throws<ProtocolException>(() => MessageCodec.Default.EncodeUploadModel(UploadModel.Create(ReadOnlyMemory<byte>.Empty, "m"), encoding));

        Assert.Equal(ProtocolErrorReason.EmptyModel, refused.Reason);
    }

    [Theory]
    [InlineData(0UL, ProtocolErrorReason.EmptyModel)]
    [InlineData(3UL, ProtocolErrorReason.ModelLengthMismatch)]
    [InlineData(5UL, ProtocolErrorReason.ModelLengthMismatch)]
    public void A_declared_length_other_than_the_model_size_is_not_encoded(ulong declared, ProtocolErrorReason reason)
    {
        UploadModel upload = UploadModel.Create(new byte[] { 1, 2, 3, 4 }, "m") with { Length = declared };

        ProtocolException refused = Assert.Throws<ProtocolException>(() => MessageCodec.Default.EncodeUploadModel(upload));

        Assert.Equal(reason, refused.Reason);
    }

    [Fact]
    public void A_consistent_upload_still_round_trips()
    {
        byte[] body = MessageCodec.Default.EncodeUploadModel(UploadModel.Create(new byte[] { 1, 2, 3, 4 }, "m"));

        Assert.Equal(4UL, MessageCodec.Default.DecodeUploadModel(body).Length);
    }
}
