using System.Collections.Immutable;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;
using static BlindAI.Protocol.Tests.Cbor.Wire;

namespace BlindAI.Protocol.Tests.Cbor;

public sealed class RoundTripTests
{
    private readonly MessageCodec _codec = MessageCodec.Default;

    public static TheoryData<TensorElementType> AllElementTypes() => [.. Enum.GetValues<TensorElementType>()];

    private static Tensor SampleTensor(TensorElementType type, string? name) => type switch
    {
        TensorElementType.Float32 => Tensor.Create<float>([1.5f, -0f, float.NaN, float.PositiveInfinity, float.Epsilon, 3e38f], [2, 3], name),
        TensorElementType.Float64 => Tensor.Create<double>([double.MinValue, -0.0, double.NaN, 1e-300, 2, 3], [3, 2], name),
        TensorElementType.Int32 => Tensor.Create<int>([int.MinValue, -1, 0, 1, int.MaxValue, 7], [6], name),
        TensorElementType.Int64 => Tensor.Create<long>([long.MinValue, long.MaxValue], [2, 1], name),
        TensorElementType.UInt32 => Tensor.Create<uint>([0, uint.MaxValue], [1, 2], name),
        TensorElementType.UInt64 => Tensor.Create<ulong>([ulong.MaxValue], [1, 1, 1], name),
        TensorElementType.UInt8 => Tensor.Create<byte>([0, 23, 24, 255], [4], name),
        TensorElementType.UInt16 => Tensor.Create<ushort>([0, 65535, 256], [3], name),
        TensorElementType.Int8 => Tensor.Create<sbyte>([-128, 127], [2], name),
        TensorElementType.Int16 => Tensor.Create<short>([short.MinValue, short.MaxValue], [2], name),
        TensorElementType.Bool => Tensor.Create<bool>([true, false, true], [3], name),
        TensorElementType.Float16 => Tensor.Create<Half>([(Half)1.5, Half.MaxValue, Half.NegativeInfinity], [3], name),
        TensorElementType.BFloat16 => Tensor.FromBytes(TensorElementType.BFloat16, new byte[] { 0xc0, 0x3f, 0x80, 0xbf }, [2], name),
        TensorElementType.String => Tensor.FromStrings(["héllo", "", "日本語", "emoji 🚀"], [2, 2], name),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static void AssertSameTensor(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.ElementType, actual.ElementType);
        Assert.Equal(expected.Shape.ToArray(), actual.Shape.ToArray());
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Data.ToArray(), actual.Data.ToArray());
        Assert.Equal(expected.Strings.ToArray(), actual.Strings.ToArray());
    }

    [Theory]
    [MemberData(nameof(AllElementTypes))]
    public void Every_element_type_round_trips_through_a_run_request_as_a_variant_index(TensorElementType type)
    {
        Tensor named = SampleTensor(type, "input");
        Tensor positional = SampleTensor(type, null);
        byte[] body = _codec.EncodeRunModel(RunModel.Create(ModelReference.ById(ModelId.NewId()), [named, positional]));

        ImmutableArray<Tensor> decoded = _codec.DecodeRunModel(body).Inputs;

        AssertSameTensor(named, decoded[0]);
        AssertSameTensor(positional, decoded[1]);
        string datum = "6a" + A("datum_type") + ((int)type).ToString("x2", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(datum, Convert.ToHexString(body), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(AllElementTypes))]
    public void Every_element_type_round_trips_through_a_run_reply_as_a_variant_name(TensorElementType type)
    {
        Tensor output = SampleTensor(type, "output");
        byte[] body = _codec.EncodeRunModelReply(RunModelReply.FromTensors([output]));

        AssertSameTensor(output, Assert.Single(_codec.DecodeRunModelReply(body).Outputs));
        string name = Tensor.GetWireName(type);
        string datum = "6a" + A("datum_type") + (0x60 + name.Length).ToString("x2", System.Globalization.CultureInfo.InvariantCulture) + A(name);
        Assert.Contains(datum, Convert.ToHexString(body), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Legacy_replies_keep_info_to_the_three_keys_the_python_client_accepts()
    {
        byte[] body = _codec.EncodeRunModelReply(RunModelReply.FromTensors([SampleTensor(TensorElementType.Float32, "y")]));

        // info map header a3 followed by exactly fact, datum_type, node_name.
        string hex = Convert.ToHexString(body);
        Assert.Contains("64" + A("info") + "A3" + "64" + A("fact"), hex, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(A("string_data"), hex, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Decoded_tensor_bytes_alias_the_request_buffer()
    {
        byte[] body = _codec.EncodeRunModel(RunModel.Create(ModelReference.ById(ModelId.NewId()), [Tensor.Create<float>(new float[1000], [10, 100])]));

        ReadOnlyMemory<byte> data = _codec.DecodeRunModel(body).Inputs[0].Data;

        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data, out ArraySegment<byte> segment));
        Assert.Same(body, segment.Array);
    }

    [Fact]
    public void Bool_bytes_other_than_zero_and_one_read_as_true()
    {
        byte[] body = RunModelBody("81" + TensorHex("8103", "0a", "f6", "4300027f"));

        Assert.Equal([false, true, true], _codec.DecodeRunModel(body).Inputs[0].ToArray<bool>());
    }

    [Fact]
    public void Upload_round_trips_in_both_model_encodings()
    {
        byte[] model = [.. Enumerable.Range(0, 1000).Select(i => (byte)(i * 7))];
        UploadModel upload = UploadModel.Create(model, "resnet.onnx");

        foreach (ModelBytesEncoding encoding in Enum.GetValues<ModelBytesEncoding>())
        {
            UploadModel decoded = _codec.DecodeUploadModel(_codec.EncodeUploadModel(upload, encoding));
            Assert.Equal(model, decoded.Model.ToArray());
            Assert.Equal(upload with { Model = decoded.Model }, decoded);
        }
    }

    [Fact]
    public void Anonymous_client_info_identifies_only_the_dotnet_client()
    {
        ClientInfo info = ClientInfo.Anonymous;

        Assert.Equal(ClientInfo.DotNetUserAgent, info.UserAgent);
        Assert.Equal(string.Empty, info.Uid);
        Assert.Equal(string.Empty, info.PlatformName);
        Assert.False(info.IsColab);
    }

    [Fact]
    public void Encoding_checks_every_wire_tensor_against_its_shape()
    {
        // Tensors are consistent by construction; the encoder's own check guards the wire form it builds from them.
        var bad = new SerializedTensor(new TensorInfo([2], TensorElementType.Float32, null), new byte[4]);

        Assert.Equal(ProtocolErrorReason.ShapeMismatch, Assert.Throws<ProtocolException>(() => bad.Validate("inputs[0]")).Reason);
        Assert.Throws<ArgumentException>(() => Tensor.FromBytes(TensorElementType.Float32, new byte[4], [2]));
    }

    [Fact]
    public void Encoding_a_lone_surrogate_is_an_argument_error()
    {
        Assert.Throws<System.Text.EncoderFallbackException>(() => _codec.EncodeDeleteModel(new DeleteModel("\ud800")));
    }

    [Fact]
    public void Model_ids_print_lowercase_hyphenated_and_reject_non_uuids()
    {
        Assert.Equal(Uuid, ModelId.Parse(Uuid.ToUpperInvariant()).ToString());
        Assert.False(ModelId.TryParse("", out _));
        Assert.False(ModelId.TryParse("0f8fad5b-d9cb-469f-a165-70867728950", out _));
        Assert.False(ModelId.TryParse("urn:uuid:{" + Uuid + "}", out _));
        Assert.False(ModelId.TryParse("(" + Uuid + ")", out _));
    }

    [Fact]
    public void Limits_are_validated()
    {
        ProtocolLimits.Default.Validate();
        Assert.Throws<ArgumentException>(() => new MessageCodec(new ProtocolLimits { MaxNestingDepth = 65 }));
        Assert.Throws<ArgumentException>(() => new MessageCodec(new ProtocolLimits { MaxModelBytes = 0 }));
        IReadOnlyList<string> errors = new ProtocolLimits { MaxTensors = 0, MaxRank = -1 }.GetValidationErrors();
        Assert.Equal(2, errors.Count);
        Assert.Equal(64L << 20, ProtocolLimits.Default.MaxMessageBytes);
        Assert.Equal(1L << 30, ProtocolLimits.Default.MaxModelBytes);
    }
}
