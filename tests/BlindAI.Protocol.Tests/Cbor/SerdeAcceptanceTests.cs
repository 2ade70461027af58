using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;
using static BlindAI.Protocol.Tests.Cbor.Wire;

namespace BlindAI.Protocol.Tests.Cbor;

/// <summary>The server side accepts every encoding serde_cbor 0.11 accepted (reference/blindai-wire.md §2).</summary>
public sealed class SerdeAcceptanceTests
{
    private readonly MessageCodec _codec = MessageCodec.Default;

    private static void AssertSpecFloat32(Tensor decoded)
    {
        Assert.Equal(TensorElementType.Float32, decoded.ElementType);
        Assert.Equal([1L, 2L], decoded.Shape.ToArray());
        Assert.Equal([1.5f, -2.0f], decoded.ToArray<float>());
    }

    [Fact]
    public void Map_keys_may_come_in_any_order()
    {
        byte[] body = H(
            "a4",
            "6b", A("client_info"), ClientInfoHex,
            "66", A("inputs"), "81",
            "a2", "6a", A("bytes_data"), "480000c03f000000c0",
            "64", A("info"), "a3", "69", A("node_name"), "f6", "6a", A("datum_type"), "00", "64", A("fact"), "820102",
            "6a", A("model_hash"), "60",
            "68", A("model_id"), "7824", A(Uuid));

        RunModel request = _codec.DecodeRunModel(body);

        Assert.Equal(Uuid, request.ModelId);
        AssertSpecFloat32(Assert.Single(request.Inputs));
    }

    [Fact]
    public void Unknown_keys_are_ignored_at_every_level_whatever_their_value()
    {
        byte[] body = H(
            "a6",
            "64", A("sign"), "f5",
            "68", A("model_id"), "7824", A(Uuid),
            "6a", A("model_hash"), "60",
            "66", A("inputs"), "81",
            "a3", "64", A("info"), "a4", "64", A("fact"), "820102", "6a", A("datum_type"), "00", "69", A("node_name"), "f6",
            "65", A("extra"), "a1", "01", "82", "f9", "3c00", "c1", "1a", "00000000",
            "6a", A("bytes_data"), "480000c03f000000c0",
            "05", "5f", "4101", "ff",
            "6b", A("client_info"), ClientInfoHex,
            "61", A("z"), "9f", "ff");

        RunModel request = _codec.DecodeRunModel(body);

        AssertSpecFloat32(Assert.Single(request.Inputs));
    }

    [Fact]
    public void A_missing_optional_node_name_is_null()
    {
        string tensor = "a2" + "64" + A("info") + "a2" + "64" + A("fact") + "820102" + "6a" + A("datum_type") + "00"
            + "6a" + A("bytes_data") + "480000c03f000000c0";

        RunModel request = _codec.DecodeRunModel(RunModelBody("81" + tensor));

        Assert.Null(Assert.Single(request.Inputs).Name);
    }

    [Theory]
    [InlineData("00")]
    [InlineData("63463332")] // "F32"
    public void Datum_type_is_accepted_as_variant_index_or_name(string datumHex)
    {
        RunModel request = _codec.DecodeRunModel(RunModelBody("81" + TensorHex("820102", datumHex, "f6", "480000c03f000000c0")));

        AssertSpecFloat32(Assert.Single(request.Inputs));
    }

    [Fact]
    public void Serde_bytes_fields_accept_an_array_of_integers()
    {
        RunModel request = _codec.DecodeRunModel(RunModelBody("81" + TensorHex("820102", "00", "f6", "88" + "00" + "00" + "18c0" + "183f" + "00" + "00" + "00" + "18c0")));

        AssertSpecFloat32(Assert.Single(request.Inputs));
    }

    [Fact]
    public void A_struct_may_be_sent_as_an_array_of_its_fields_in_order()
    {
        DeleteModel delete = _codec.DecodeDeleteModelMessage(H("81", "7824", A(Uuid)));
        Assert.Equal(Uuid, delete.ModelId);

        // TensorInfo as [fact, datum_type, node_name] inside a map-form SerializedTensor.
        string tensor = "a2" + "64" + A("info") + "83" + "820102" + "00" + "f6" + "6a" + A("bytes_data") + "480000c03f000000c0";
        AssertSpecFloat32(Assert.Single(_codec.DecodeRunModel(RunModelBody("81" + tensor)).Inputs));
    }

    [Fact]
    public void A_field_may_be_named_by_its_declaration_index_or_a_byte_string()
    {
        Assert.Equal(Uuid, _codec.DecodeDeleteModelMessage(H("a1", "00", "7824", A(Uuid))).ModelId);
        Assert.Equal(Uuid, _codec.DecodeDeleteModelMessage(H("a1", "48", A("model_id"), "7824", A(Uuid))).ModelId);
        // Index 1 is beyond DeleteModel's single field: ignored like an unknown key, so model_id is then missing.
        Assert.Equal(ProtocolErrorReason.MissingField,
            Assert.Throws<ProtocolException>(() => _codec.DecodeDeleteModelMessage(H("a1", "01", "7824", A(Uuid)))).Reason);
    }

    [Fact]
    public void Semantic_tags_are_ignored()
    {
        Assert.Equal(Uuid, _codec.DecodeDeleteModelMessage(H("c6", "a1", "68", A("model_id"), "d820", "7824", A(Uuid))).ModelId);
    }

    [Fact]
    public void Indefinite_length_maps_arrays_and_strings_are_accepted()
    {
        byte[] body = H(
            "bf",
            "68", A("model_id"), "7f", "64", A(Uuid[..4]), "7820", A(Uuid[4..]), "ff",
            "6a", A("model_hash"), "60",
            "66", A("inputs"), "9f",
            "bf", "64", A("info"), "bf", "64", A("fact"), "9f0102ff", "6a", A("datum_type"), "00", "ff",
            "6a", A("bytes_data"), "5f", "420000", "46c03f000000c0", "ff", "ff",
            "ff",
            "6b", A("client_info"), ClientInfoHex,
            "ff");

        RunModel request = _codec.DecodeRunModel(body);

        Assert.Equal(Uuid, request.ModelId);
        AssertSpecFloat32(Assert.Single(request.Inputs));
    }

    [Fact]
    public void Integers_need_not_use_the_shortest_encoding()
    {
        byte[] body = H(
            "a5",
            "65", A("model"), "4401020304",
            "66", A("length"), "1b0000000000000004",
            "6a", A("model_name"), "60",
            "68", A("optimize"), "f5",
            "6b", A("client_info"), ClientInfoHex);

        Assert.Equal(4UL, _codec.DecodeUploadModel(body).Length);
    }

    [Fact]
    public void An_unknown_key_may_repeat()
    {
        Assert.Equal(Uuid, _codec.DecodeDeleteModelMessage(H("a3", "61", A("x"), "01", "61", A("x"), "02", "68", A("model_id"), "7824", A(Uuid))).ModelId);
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_accepted_in_ignored_values()
    {
        // DeleteModel map (depth 1) + 63 nested arrays = 64 levels, the reader's limit.
        byte[] body = H("a2", "61", A("x"), string.Concat(Enumerable.Repeat("81", 63)), "00", "68", A("model_id"), "7824", A(Uuid));

        Assert.Equal(Uuid, _codec.DecodeDeleteModelMessage(body).ModelId);
    }

    [Fact]
    public void Run_by_hash_accepts_upper_case_hex_and_lenient_uuid_forms()
    {
        ModelHash hash = ModelHash.Compute("model"u8);
        var byHash = new RunModel(string.Empty, hash.ToString().ToUpperInvariant(), []) { ClientInfo = PythonClientInfo };
        Assert.Equal(hash, byHash.GetModelReference().Hash);

        foreach (string form in new[] { Uuid, Uuid.ToUpperInvariant(), Uuid.Replace("-", string.Empty, StringComparison.Ordinal), "{" + Uuid + "}", "urn:uuid:" + Uuid })
        {
            Assert.Equal(ModelId.Parse(Uuid), new RunModel(form, string.Empty, []) { ClientInfo = PythonClientInfo }.GetModelReference().Id);
        }
    }

    [Fact]
    public void Integer_array_bytes_inside_indefinite_containers_decode_and_the_containers_still_close()
    {
        // The integer-array fast path hands the rest of the message to a fresh reader; the enclosing indefinite
        // inputs array, tensor map and top-level map must still be closed by their break bytes.
        byte[] body = H(
            "bf",
            "66", A("inputs"), "9f",
            "bf", "64", A("info"), "a3", "64", A("fact"), "820102", "6a", A("datum_type"), "00", "69", A("node_name"), "f6",
            "6a", A("bytes_data"), "88", "00", "00", "18c0", "183f", "00", "00", "1900", "00", "18c0", "ff",
            Float32TensorHex,
            "ff",
            "68", A("model_id"), "7824", A(Uuid),
            "6a", A("model_hash"), "60",
            "6b", A("client_info"), ClientInfoHex,
            "ff");

        RunModel request = _codec.DecodeRunModel(body);

        Assert.Equal(2, request.Inputs.Length);
        AssertSpecFloat32(request.Inputs[0]);
        AssertSpecFloat32(request.Inputs[1]);
        Assert.Equal(Uuid, request.ModelId);
    }

    [Fact]
    public void Python_style_upload_in_an_indefinite_map_decodes()
    {
        byte[] model = [.. Enumerable.Range(0, 300).Select(i => (byte)i)];
        string modelHex = "990" + "12c" + string.Concat(model.Select(b => b < 24 ? b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture) : "18" + b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        byte[] body = H("bf", "65", A("model"), modelHex, "66", A("length"), "19012c", "6a", A("model_name"), "60",
            "68", A("optimize"), "f5", "6b", A("client_info"), ClientInfoHex, "ff");

        UploadModel upload = _codec.DecodeUploadModel(body);

        Assert.Equal(model, upload.Model.ToArray());
    }
}
