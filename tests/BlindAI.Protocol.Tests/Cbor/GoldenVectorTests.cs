using System.Collections.Immutable;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;
using static BlindAI.Protocol.Tests.Cbor.Wire;

namespace BlindAI.Protocol.Tests.Cbor;

/// <summary>Every message against bytes written by hand from reference/blindai-wire.md.</summary>
public sealed class GoldenVectorTests
{
    private const string Uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";

    // Spec §3.7: positional float32 [[1.5, -2.0]] as the Python client sends it.
    private static readonly string PositionalFloat32 =
        "a2" + "64" + A("info") + "a3" + "64" + A("fact") + "820102" + "6a" + A("datum_type") + "00" + "69" + A("node_name") + "f6"
        + "6a" + A("bytes_data") + "48" + "0000c03f000000c0";

    // Spec §3.7: named bool {"x": [True, False]}.
    private static readonly string NamedBool =
        "a2" + "64" + A("info") + "a3" + "64" + A("fact") + "8102" + "6a" + A("datum_type") + "0a" + "69" + A("node_name") + "6178"
        + "6a" + A("bytes_data") + "42" + "0100";

    private readonly MessageCodec _codec = MessageCodec.Default;

    [Fact]
    public void RunModel_with_the_spec_tensors_encodes_exactly_as_the_python_client()
    {
        RunModel request = RunModel.Create(
            ModelReference.ById(ModelId.Parse(Uuid)),
            [Tensor.Create<float>([1.5f, -2.0f], [1, 2]), Tensor.Create<bool>([true, false], [2], "x")]) with { ClientInfo = PythonClientInfo };

        byte[] expected = H(
            "a4",
            "68", A("model_id"), "7824", A(Uuid),
            "6a", A("model_hash"), "60",
            "66", A("inputs"), "82", PositionalFloat32, NamedBool,
            "6b", A("client_info"), ClientInfoHex);

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(_codec.EncodeRunModel(request)));
    }

    [Fact]
    public void RunModel_by_hash_sends_lowercase_hex_and_an_empty_id()
    {
        ModelHash hash = ModelHash.Compute("model"u8);
        RunModel request = RunModel.Create(ModelReference.ByHash(hash), []) with { ClientInfo = PythonClientInfo };

        byte[] expected = H(
            "a4",
            "68", A("model_id"), "60",
            "6a", A("model_hash"), "7840", A(hash.ToString()),
            "66", A("inputs"), "80",
            "6b", A("client_info"), ClientInfoHex);

        Assert.Equal(expected, _codec.EncodeRunModel(request));
        Assert.Equal(hash.ToString().ToLowerInvariant(), hash.ToString());
    }

    [Fact]
    public void RunModel_decodes_the_python_client_bytes_into_tensors()
    {
        byte[] body = H(
            "a4",
            "68", A("model_id"), "7824", A(Uuid),
            "6a", A("model_hash"), "60",
            "66", A("inputs"), "82", PositionalFloat32, NamedBool,
            "6b", A("client_info"), ClientInfoHex);

        RunModel request = _codec.DecodeRunModel(body);

        Assert.Equal(ModelReference.ById(ModelId.Parse(Uuid)), request.GetModelReference());
        Assert.Equal(PythonClientInfo, request.ClientInfo);
        ImmutableArray<Tensor> inputs = request.Inputs;
        Assert.Null(inputs[0].Name);
        Assert.Equal([1.5f, -2.0f], inputs[0].ToArray<float>());
        Assert.Equal([1L, 2L], inputs[0].Shape.ToArray());
        Assert.Equal("x", inputs[1].Name);
        Assert.Equal([true, false], inputs[1].ToArray<bool>());
    }

    [Fact]
    public void RunModelReply_writes_datum_type_as_variant_name_and_node_name_as_text()
    {
        RunModelReply reply = RunModelReply.FromTensors([Tensor.Create<float>([1.5f, -2.0f], [1, 2], "probabilities"), Tensor.Create<long>([7L], [])]);

        byte[] expected = H(
            "a1", "67", A("outputs"), "82",
            "a2", "64", A("info"), "a3", "64", A("fact"), "820102", "6a", A("datum_type"), "63", A("F32"),
            "69", A("node_name"), "6d", A("probabilities"), "6a", A("bytes_data"), "48", "0000c03f000000c0",
            "a2", "64", A("info"), "a3", "64", A("fact"), "80", "6a", A("datum_type"), "63", A("I64"),
            "69", A("node_name"), "68", A("output_1"), "6a", A("bytes_data"), "48", "0700000000000000");

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(_codec.EncodeRunModelReply(reply)));
        RunModelReply decoded = _codec.DecodeRunModelReply(expected);
        Assert.Equal([7L], decoded.Outputs[1].ToArray<long>());
        Assert.Equal("output_1", decoded.Outputs[1].Name);
    }

    [Fact]
    public void UploadModel_as_integer_array_matches_the_python_client_and_spec_fragment()
    {
        UploadModel upload = UploadModel.Create(new byte[] { 0, 23, 24, 255 }, "m.onnx") with { ClientInfo = PythonClientInfo };

        // Spec §3.2 fragment: a2 65"model" 84 00 17 18 18 18 ff 66"length" 04, here inside the full 5-key map.
        byte[] expected = H(
            "a5",
            "65", A("model"), "84", "00", "17", "1818", "18ff",
            "66", A("length"), "04",
            "6a", A("model_name"), "66", A("m.onnx"),
            "68", A("optimize"), "f5",
            "6b", A("client_info"), ClientInfoHex);

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(_codec.EncodeUploadModel(upload, ModelBytesEncoding.IntegerArray)));
        UploadModel decoded = _codec.DecodeUploadModel(expected);
        Assert.Equal(new byte[] { 0, 23, 24, 255 }, decoded.Model.ToArray());
        Assert.Equal(4UL, decoded.Length);
        Assert.Equal("m.onnx", decoded.ModelName);
        Assert.True(decoded.Optimize);
    }

    [Fact]
    public void UploadModel_as_byte_string_is_accepted_and_aliases_the_body()
    {
        byte[] body = H(
            "a5",
            "65", A("model"), "44", "000118ff",
            "66", A("length"), "04",
            "6a", A("model_name"), "60",
            "68", A("optimize"), "f4",
            "6b", A("client_info"), ClientInfoHex);

        UploadModel decoded = _codec.DecodeUploadModel(body);

        Assert.Equal(new byte[] { 0, 1, 0x18, 0xff }, decoded.Model.ToArray());
        Assert.Equal(string.Empty, decoded.ModelName);
        Assert.False(decoded.Optimize);
        Assert.Equal(body, _codec.EncodeUploadModel(decoded));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(decoded.Model, out ArraySegment<byte> segment));
        Assert.Same(body, segment.Array);
    }

    [Fact]
    public void SendModelReply_is_a_32_byte_byte_string_and_a_lowercase_uuid()
    {
        byte[] digest = Convert.FromHexString("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
        var reply = new SendModelReply(ModelHash.FromBytes(digest), ModelId.Parse(Uuid.ToUpperInvariant()));

        byte[] expected = H("a2", "64", A("hash"), "5820", Convert.ToHexString(digest), "68", A("model_id"), "7824", A(Uuid));

        Assert.Equal(expected, _codec.EncodeSendModelReply(reply));
        Assert.Equal(reply, _codec.DecodeSendModelReply(expected));
    }

    [Fact]
    public void DeleteModel_and_its_null_reply()
    {
        byte[] expected = H("a1", "68", A("model_id"), "7824", A(Uuid));

        Assert.Equal(expected, _codec.EncodeDeleteModel(ModelId.Parse(Uuid)));
        Assert.Equal(ModelId.Parse(Uuid), _codec.DecodeDeleteModelMessage(expected).GetModelId());
        Assert.Equal(H("f6"), _codec.EncodeDeleteModelReply());
        _codec.DecodeDeleteModelReply(H("f6"));
    }

    [Fact]
    public void Certificate_and_quote_are_single_byte_strings()
    {
        byte[] der = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        byte[] expected = H("59012c", Convert.ToHexString(der));

        Assert.Equal(expected, _codec.EncodeCertificate(der));
        Assert.Equal(der, _codec.DecodeCertificate(expected).ToArray());
        Assert.Equal(expected, _codec.EncodeQuote(der));
        Assert.Equal(der, _codec.DecodeQuote(expected).ToArray());
    }

    [Fact]
    public void Collateral_has_the_ten_keys_in_the_original_order()
    {
        var collateral = new SgxCollateral(1, "a", "b", "c", "d", "{}", "e", "{}", "f", "g");

        byte[] expected = H(
            "aa",
            "67", A("version"), "01",
            "74", A("pck_crl_issuer_chain"), "61", A("a"),
            "6b", A("root_ca_crl"), "61", A("b"),
            "67", A("pck_crl"), "61", A("c"),
            "75", A("tcb_info_issuer_chain"), "61", A("d"),
            "68", A("tcb_info"), "62", A("{}"),
            "7818", A("qe_identity_issuer_chain"), "61", A("e"),
            "6b", A("qe_identity"), "62", A("{}"),
            "6f", A("pck_certificate"), "61", A("f"),
            "71", A("pck_signing_chain"), "61", A("g"));

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(_codec.EncodeCollateral(collateral)));
        Assert.Equal(collateral, _codec.DecodeCollateral(expected));
    }

    [Fact]
    public void Error_text_is_a_cbor_text_string_like_the_original_500_body()
    {
        byte[] expected = H("73", A("Model doesn't exist"));

        Assert.Equal(expected, _codec.EncodeErrorText("Model doesn't exist"));
        Assert.Equal("Model doesn't exist", _codec.DecodeErrorText(expected));
    }

    [Fact]
    public void Fresh_evidence_request_and_reply()
    {
        byte[] nonce = Enumerable.Repeat((byte)0xab, 32).ToArray();
        byte[] expectedRequest = H("a1", "65", A("nonce"), "5820", Convert.ToHexString(nonce));
        byte[] expectedReply = H(
            "a3",
            "66", A("format"), "6e", A("sgx-dcap-quote"),
            "68", A("evidence"), "43", "010203",
            "65", A("nonce"), "5820", Convert.ToHexString(nonce));

        Assert.Equal(expectedRequest, _codec.EncodeFreshEvidenceRequest(nonce));
        Assert.Equal(nonce, _codec.DecodeFreshEvidenceRequest(expectedRequest).ToArray());
        Assert.Equal(expectedReply, _codec.EncodeFreshEvidenceReply(new FreshEvidenceReply(FreshEvidenceReply.SgxDcapQuoteFormat, new byte[] { 1, 2, 3 }, nonce)));
        FreshEvidenceReply reply = _codec.DecodeFreshEvidenceReply(expectedReply);
        Assert.Equal(FreshEvidenceReply.SgxDcapQuoteFormat, reply.Format);
        Assert.Equal(new byte[] { 1, 2, 3 }, reply.Evidence.ToArray());
    }

    [Fact]
    public void Server_capabilities_round_trip_and_ignore_later_keys()
    {
        var capabilities = new ServerCapabilities("blindai-dotnet", "0.1.0", ServerCapabilities.BaseProtocol,
            [ServerCapabilities.FreshEvidenceExtension], ["F32", "F16"], 64UL << 20, 1UL << 30, true);

        byte[] expected = H(
            "a8",
            "66", A("server"), "6e", A("blindai-dotnet"),
            "67", A("version"), "65", A("0.1.0"),
            "68", A("protocol"), "6b", A("blindai-0.6"),
            "6a", A("extensions"), "81", "6e", A("fresh-evidence"),
            "6b", A("datum_types"), "82", "63", A("F32"), "63", A("F16"),
            "71", A("max_request_bytes"), "1a04000000",
            "6f", A("max_model_bytes"), "1a40000000",
            "6a", A("simulation"), "f5");

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(_codec.EncodeServerCapabilities(capabilities)));

        byte[] withLaterKey = H("a9", expected.AsSpan(1).ToArray() is var rest ? Convert.ToHexString(rest) : "", "63", A("new"), "a0");
        ServerCapabilities decoded = _codec.DecodeServerCapabilities(withLaterKey);
        Assert.Equal(capabilities.Extensions.ToArray(), decoded.Extensions.ToArray());
        Assert.Equal(capabilities.DatumTypes.ToArray(), decoded.DatumTypes.ToArray());
        Assert.Equal(capabilities with { Extensions = decoded.Extensions, DatumTypes = decoded.DatumTypes }, decoded);
    }
}
