using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;
using CsCheck;

namespace BlindAI.Protocol.Tests.Properties;

/// <summary>Random tensors and random bytes through the codec (CsCheck, shrinking on failure).</summary>
public sealed class CodecPropertyTests
{
    private static readonly MessageCodec Codec = MessageCodec.Default;

    private static readonly Gen<string?> GenName =
        Gen.Frequency((1, Gen.Const((string?)null)), (2, Gen.Char.AlphaNumeric.Array[1, 12].Select(chars => (string?)new string(chars))));

    private static readonly Gen<Tensor> GenTensor =
        from type in Gen.Enum<TensorElementType>()
        from shape in Gen.Int[0, 4].Array[0, 4]
        from name in GenName
        from seed in Gen.Int
        select Build(type, [.. shape.Select(d => (long)d)], name, seed);

    private static Tensor Build(TensorElementType type, long[] shape, string? name, int seed)
    {
        var random = new Random(seed);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (type == TensorElementType.String)
        {
            return Tensor.FromStrings(Enumerable.Range(0, (int)count).Select(_ => new string('é', random.Next(4))), shape, name);
        }

        var bytes = new byte[count * TensorElementTypeInfo.SizeOf(type)];
        random.NextBytes(bytes);
        if (type == TensorElementType.Bool)
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] &= 1;
            }
        }

        return Tensor.FromBytes(type, bytes, shape, name);
    }

    private static void AssertSame(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.ElementType, actual.ElementType);
        Assert.Equal(expected.Shape.ToArray(), actual.Shape.ToArray());
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Data.ToArray(), actual.Data.ToArray());
        Assert.Equal(expected.Strings.ToArray(), actual.Strings.ToArray());
    }

    [Fact]
    public void Run_requests_round_trip() =>
        GenTensor.Array[0, 5].Sample(tensors =>
        {
            byte[] body = Codec.EncodeRunModel(RunModel.Create(ModelReference.ById(ModelId.NewId()), tensors, null));
            Tensor[] decoded = [.. Codec.DecodeRunModel(body).GetInputTensors()];
            Assert.Equal(tensors.Length, decoded.Length);
            for (int i = 0; i < tensors.Length; i++)
            {
                AssertSame(tensors[i], decoded[i]);
            }
        }, iter: 2000);

    [Fact]
    public void Run_replies_round_trip_with_names_filled_in() =>
        GenTensor.Array[0, 5].Sample(tensors =>
        {
            Tensor[] decoded = [.. Codec.DecodeRunModelReply(Codec.EncodeRunModelReply(RunModelReply.FromTensors(tensors))).GetOutputTensors()];
            for (int i = 0; i < tensors.Length; i++)
            {
                AssertSame(tensors[i].WithName(tensors[i].Name ?? $"output_{i}"), decoded[i]);
            }
        }, iter: 2000);

    [Fact]
    public void Every_truncation_of_a_valid_request_is_reported_as_truncated() =>
        Gen.Select(GenTensor.Array[1, 3], Gen.Double.Unit).Sample((tensors, fraction) =>
        {
            byte[] body = Codec.EncodeRunModel(RunModel.Create(ModelReference.ByHash(ModelHash.Compute([])), tensors, null));
            int length = (int)(fraction * (body.Length - 1));
            var exception = Assert.Throws<ProtocolException>(() => Codec.DecodeRunModel(body.AsMemory(0, length)));
            Assert.Equal(ProtocolErrorReason.Truncated, exception.Reason);
        }, iter: 2000);

    [Fact]
    public void Arbitrary_bytes_never_escape_as_another_exception_type() =>
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            foreach (Action decode in new Action[]
            {
                () => Codec.DecodeRunModel(bytes),
                () => Codec.DecodeUploadModel(bytes),
                () => Codec.DecodeRunModelReply(bytes),
                () => Codec.DecodeSendModelReply(bytes),
                () => Codec.DecodeServerCapabilities(bytes),
                () => BlindAI.Protocol.Problems.ProblemDetailsSerializer.Default.FromCbor(bytes),
                () => BlindAI.Protocol.Problems.ProblemDetailsSerializer.Default.FromJson(bytes),
            })
            {
                try
                {
                    decode();
                }
                catch (ProtocolException)
                {
                }
            }
        }, iter: 10000);
}
