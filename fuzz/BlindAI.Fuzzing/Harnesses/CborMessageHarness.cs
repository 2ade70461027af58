using System.Security.Cryptography;
using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Problems;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Fuzzing.Harnesses;

/// <summary>
/// CBOR message decoding with the default limits. The first input byte picks the message type (modulo the number of
/// decoders), the rest is the message. Decoded tensors are materialised, so lazy views are exercised too.
/// </summary>
internal sealed class CborMessageHarness : IHarness
{
    private static readonly MessageCodec Codec = MessageCodec.Default;

    private static readonly Action<ReadOnlyMemory<byte>>[] Decoders =
    [
        data => Materialize(Codec.DecodeRunModel(data).Inputs),
        data => _ = Codec.DecodeUploadModel(data).Model.Length,
        data => Materialize(Codec.DecodeRunModelReply(data).Outputs),
        data => _ = Codec.DecodeSendModelReply(data),
        data => _ = Codec.DecodeDeleteModel(data),
        data => Codec.DecodeDeleteModelReply(data),
        data => _ = Codec.DecodeServerCapabilities(data),
        data => _ = Codec.DecodeFreshEvidenceRequest(data),
        data => _ = Codec.DecodeFreshEvidenceReply(data),
        data => _ = Codec.DecodeCollateral(data),
        data => _ = Codec.DecodeQuote(data),
        data => _ = Codec.DecodeCertificate(data),
        data => _ = Codec.DecodeErrorText(data),
        data => _ = ProblemDetailsSerializer.Default.FromCbor(data),
    ];

    public string Name => "cbor";

    public void Initialize()
    {
    }

    public void Execute(ReadOnlyMemory<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        try
        {
            Decoders[input.Span[0] % Decoders.Length](input[1..]);
        }
        catch (ProtocolException)
        {
        }
    }

    public IEnumerable<(string Name, byte[] Data)> Seeds(string testData)
    {
        Tensor[] tensors =
        [
            Tensor.Create<float>([1f, 2f, 3f, 4f], [2, 2], "input"),
            Tensor.Create<long>([7L], [1], "ids"),
            Tensor.FromStrings(["a", "bé"], [2], "text"),
            Tensor.Create<bool>([true, false], [2]),
        ];
        ModelHash hash = ModelHash.Compute("model"u8);
        yield return ("run_by_id", Tagged(0, Codec.EncodeRunModel(RunModel.Create(ModelReference.ById(ModelId.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301")), tensors))));
        yield return ("run_by_hash", Tagged(0, Codec.EncodeRunModel(RunModel.Create(ModelReference.ByHash(hash), tensors[..2]))));
        yield return ("upload", Tagged(1, Codec.EncodeUploadModel(UploadModel.Create(new byte[] { 8, 1, 18, 0 }, "model"))));
        yield return ("upload_array", Tagged(1, Codec.EncodeUploadModel(UploadModel.Create(new byte[] { 8, 1 }, null), ModelBytesEncoding.IntegerArray)));
        yield return ("run_reply", Tagged(2, Codec.EncodeRunModelReply(RunModelReply.FromTensors(tensors))));
        yield return ("delete", Tagged(4, Codec.EncodeDeleteModel(ModelId.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301"))));
        yield return ("delete_reply", Tagged(5, Codec.EncodeDeleteModelReply()));
        yield return ("evidence_request", Tagged(7, Codec.EncodeFreshEvidenceRequest(RandomNumberGenerator.GetBytes(FreshEvidenceReply.NonceLength))));
        yield return ("quote", Tagged(10, Codec.EncodeQuote(SeedFiles.Read(testData, "dcap", "phala-dcap-qvl", "sgx_quote"))));
        yield return ("certificate", Tagged(11, Codec.EncodeCertificate(SeedFiles.Read(testData, "ratls", "intel-sgx-ra-tls", "ecdsa-ratls.der"))));
        yield return ("error", Tagged(12, Codec.EncodeErrorText("model not found")));
        yield return ("problem", Tagged(13, ProblemDetails.Create(ProblemCode.NotFound, "no such model").ToCbor()));
    }

    private static byte[] Tagged(byte target, byte[] body) => [target, .. body];

    private static void Materialize(IEnumerable<Tensor> tensors)
    {
        foreach (Tensor tensor in tensors)
        {
            _ = tensor.Data.Length;
            _ = tensor.Strings.Length;
        }
    }
}
