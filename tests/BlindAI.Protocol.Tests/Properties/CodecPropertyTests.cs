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

        var bytes = new byte[count * Tensor.GetElementSize(type)];
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
            byte[] body = Codec.EncodeRunModel(RunModel.Create(ModelReference.ById(ModelId.NewId()), tensors));
            Tensor[] decoded = [.. Codec.DecodeRunModel(body).Inputs];
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
            Tensor[] decoded = [.. Codec.DecodeRunModelReply(Codec.EncodeRunModelReply(RunModelReply.FromTensors(tensors))).Outputs];
            for (int i = 0; i < tensors.Length; i++)
            {
                AssertSame(tensors[i].WithName(tensors[i].Name ?? $"output_{i}"), decoded[i]);
            }
        }, iter: 2000);

    [Fact]
    public void Every_truncation_of_a_valid_request_is_reported_as_truncated() =>
        Gen.Select(GenTensor.Array[1, 3], Gen.Double.Unit).Sample((tensors, fraction) =>
        {
            byte[] body = Codec.EncodeRunModel(RunModel.Create(ModelReference.ByHash(ModelHash.Compute([])), tensors));
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

    /// <summary>One to four edits (kind 0 flip, 1 insert, 2 delete, 3 truncate; position as a fraction; mask or byte).</summary>
    private static readonly Gen<(int Kind, double Position, byte Value)[]> GenEdits =
        Gen.Select(Gen.Int[0, 3], Gen.Double.Unit, Gen.Byte[1, 255]).Array[1, 4];

    private static byte[] Mutate(byte[] original, (int Kind, double Position, byte Value)[] edits)
    {
        var bytes = new List<byte>(original);
        foreach ((int kind, double position, byte value) in edits)
        {
            if (bytes.Count == 0)
            {
                break;
            }

            int at = Math.Min(bytes.Count - 1, (int)(position * bytes.Count));
            switch (kind)
            {
                case 0: bytes[at] ^= value; break;
                case 1: bytes.Insert(at, value); break;
                case 2: bytes.RemoveAt(at); break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }

        return [.. bytes];
    }

    [Fact]
    public void Mutated_run_requests_fail_with_a_protocol_exception_or_decode_to_tensors_that_re_encode_stably() =>
        Gen.Select(GenTensor.Array[1, 3], GenEdits).Sample((tensors, edits) =>
        {
            byte[] body = Mutate(Codec.EncodeRunModel(RunModel.Create(ModelReference.ByHash(ModelHash.Compute([1, 2])), tensors)), edits);
            Tensor[] decoded;
            try
            {
                decoded = [.. Codec.DecodeRunModel(body).Inputs];
            }
            catch (ProtocolException)
            {
                return;
            }

            // Whatever the decoder accepts is a well-formed request: it encodes again and decodes to the same tensors.
            Tensor[] again = [.. Codec.DecodeRunModel(Codec.EncodeRunModel(RunModel.Create(ModelReference.ByHash(ModelHash.Compute([1, 2])), decoded))).Inputs];
            Assert.Equal(decoded.Length, again.Length);
            for (int i = 0; i < decoded.Length; i++)
            {
                AssertSame(decoded[i], again[i]);
            }
        }, iter: 3000);

    [Fact]
    public void Mutated_uploads_and_replies_fail_only_with_protocol_exceptions() =>
        Gen.Select(GenTensor.Array[0, 3], Gen.Byte.Array[1, 64], GenName, GenEdits).Sample((tensors, model, name, edits) =>
        {
            byte[][] bodies =
            [
                Mutate(Codec.EncodeUploadModel(UploadModel.Create(model, name)), edits),
                Mutate(Codec.EncodeUploadModel(UploadModel.Create(model, name), ModelBytesEncoding.IntegerArray), edits),
                Mutate(Codec.EncodeRunModelReply(RunModelReply.FromTensors(tensors)), edits),
                Mutate(Codec.EncodeSendModelReply(new SendModelReply(ModelHash.Compute(model), ModelId.NewId())), edits),
            ];
            foreach (Action decode in new Action[]
            {
                () => _ = Codec.DecodeUploadModel(bodies[0]).Model.Length,
                () => _ = Codec.DecodeUploadModel(bodies[1]).Model.Length,
                () => _ = Codec.DecodeRunModelReply(bodies[2]).Outputs.Length,
                () => _ = Codec.DecodeSendModelReply(bodies[3]),
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
        }, iter: 3000);

    // An empty model is refused when decoded (the original server refuses it too), so models have at least one byte.
    [Fact]
    public void Uploads_of_random_models_round_trip_in_both_model_encodings() =>
        Gen.Select(Gen.Byte.Array[1, 512], GenName, Gen.Bool).Sample((model, name, asIntegers) =>
        {
            ModelBytesEncoding encoding = asIntegers ? ModelBytesEncoding.IntegerArray : ModelBytesEncoding.ByteString;
            UploadModel decoded = Codec.DecodeUploadModel(Codec.EncodeUploadModel(UploadModel.Create(model, name), encoding));
            Assert.Equal(model, decoded.Model.ToArray());
            Assert.Equal((ulong)model.Length, decoded.Length);
            Assert.Equal(name ?? string.Empty, decoded.ModelName);
        }, iter: 1000);
}
