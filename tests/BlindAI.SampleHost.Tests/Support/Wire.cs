using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Problems;
using BlindAI.Protocol.Tensors;

namespace BlindAI.SampleHost.Tests.Support;

/// <summary>BlindAI 0.6 requests and replies, encoded and decoded by the protocol library.</summary>
internal static class Wire
{
    public static byte[] Upload(byte[] model, ModelBytesEncoding encoding = ModelBytesEncoding.IntegerArray, string? name = "model.onnx") =>
        MessageCodec.Default.EncodeUploadModel(UploadModel.Create(model, name), encoding);

    public static byte[] Run(ModelReference model, params Tensor[] inputs) =>
        MessageCodec.Default.EncodeRunModel(RunModel.Create(model, inputs));

    public static byte[] Delete(ModelId id) => MessageCodec.Default.EncodeDeleteModel(id);

    public static async Task<SendModelReply> UploadAsync(HttpClient management, byte[] model, ModelBytesEncoding encoding = ModelBytesEncoding.IntegerArray)
    {
        using HttpResponseMessage response = await management.SendAsync(RunningHost.Post(ProtocolRoutes.Upload, Upload(model, encoding)));
        await EnsureOkAsync(response);
        return MessageCodec.Default.DecodeSendModelReply(await response.Content.ReadAsByteArrayAsync());
    }

    public static async Task<RunModelReply> RunAsync(HttpClient attested, ModelReference model, params Tensor[] inputs)
    {
        using HttpResponseMessage response = await attested.SendAsync(RunningHost.Post(ProtocolRoutes.Run, Run(model, inputs)));
        await EnsureOkAsync(response);
        Assert.Equal(ProtocolMediaTypes.Cbor, response.Content.Headers.ContentType?.MediaType);
        return MessageCodec.Default.DecodeRunModelReply(await response.Content.ReadAsByteArrayAsync());
    }

    public static async Task<ProblemDetails> ProblemAsync(HttpResponseMessage response)
    {
        string mediaType = response.Content.Headers.ContentType?.MediaType ?? "(none)";
        return ProblemDetails.Parse(await response.Content.ReadAsByteArrayAsync(), mediaType);
    }

    private static async Task EnsureOkAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            byte[] body = await response.Content.ReadAsByteArrayAsync();
            string text = body.Length > 0 && response.Content.Headers.ContentType?.MediaType == ProtocolMediaTypes.Cbor
                ? MessageCodec.Default.DecodeErrorText(body)
                : Convert.ToHexString(body);
            Assert.Fail($"{(int)response.StatusCode}: {text}");
        }
    }
}
