using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using static BlindAI.Protocol.Tests.Cbor.Wire;

namespace BlindAI.Protocol.Tests.Cbor;

/// <summary>Malformed and hostile bodies: each is rejected with one precise <see cref="ProtocolException"/>.</summary>
public sealed class HostileInputTests
{
    private readonly MessageCodec _codec = MessageCodec.Default;

    private static ProtocolException Reject(Action decode, ProtocolErrorReason reason, string? path = null)
    {
        var exception = Assert.Throws<ProtocolException>(decode);
        Assert.Equal(reason, exception.Reason);
        if (path is not null)
        {
            Assert.Equal(path, exception.FieldPath);
        }

        return exception;
    }

    private void RejectRun(byte[] body, ProtocolErrorReason reason, string? path = null) => Reject(() => _codec.DecodeRunModel(body), reason, path);

    private static byte[] UploadBody(string modelHex, string lengthHex) => H(
        "a5",
        "65", A("model"), modelHex,
        "66", A("length"), lengthHex,
        "6a", A("model_name"), "60",
        "68", A("optimize"), "f5",
        "6b", A("client_info"), ClientInfoHex);

    [Fact]
    public void Empty_body_is_truncated() => Reject(() => _codec.DecodeDeleteModelMessage(ReadOnlyMemory<byte>.Empty), ProtocolErrorReason.Truncated);

    [Fact]
    public void Every_proper_prefix_of_a_valid_message_is_truncated()
    {
        byte[] body = RunModelBody("82" + Float32TensorHex + TensorHex("8102", "0a", "6178", "420100"));
        _codec.DecodeRunModel(body);

        for (int length = 0; length < body.Length; length++)
        {
            var exception = Assert.Throws<ProtocolException>(() => _codec.DecodeRunModel(body.AsMemory(0, length)));
            Assert.True(exception.Reason == ProtocolErrorReason.Truncated, $"Prefix of {length} bytes: {exception.Reason} ({exception.Message})");
        }
    }

    [Fact]
    public void Every_proper_prefix_of_a_python_style_upload_is_truncated()
    {
        byte[] body = H("bf", "65", A("model"), "840017181818ff", "66", A("length"), "04", "6a", A("model_name"), "60",
            "68", A("optimize"), "f5", "6b", A("client_info"), ClientInfoHex, "ff");
        _codec.DecodeUploadModel(body);

        for (int length = 0; length < body.Length; length++)
        {
            var exception = Assert.Throws<ProtocolException>(() => _codec.DecodeUploadModel(body.AsMemory(0, length)));
            Assert.True(exception.Reason == ProtocolErrorReason.Truncated, $"Prefix of {length} bytes: {exception.Reason} ({exception.Message})");
        }

        Reject(() => _codec.DecodeUploadModel(H(Convert.ToHexString(body), "00")), ProtocolErrorReason.TrailingBytes);
    }

    [Fact]
    public void Trailing_bytes_are_rejected()
    {
        byte[] body = H("a1", "68", A("model_id"), "7824", A(Uuid), "00");

        var exception = Reject(() => _codec.DecodeDeleteModelMessage(body), ProtocolErrorReason.TrailingBytes);
        Assert.Equal(body.Length - 1, exception.Offset);
    }

    [Fact]
    public void Wrong_major_types_name_the_field()
    {
        RejectRun(RunModelBody("81" + Float32TensorHex, "05"), ProtocolErrorReason.UnexpectedType, "model_id");
        RejectRun(RunModelBody("a0"), ProtocolErrorReason.UnexpectedType, "inputs");
        RejectRun(RunModelBody("81" + TensorHex("82" + "6131" + "02", "00", "f6", "480000c03f000000c0")), ProtocolErrorReason.UnexpectedType, "inputs[0].info.fact[0]");
        RejectRun(RunModelBody("81" + TensorHex("820102", "00", "f5", "480000c03f000000c0")), ProtocolErrorReason.UnexpectedType, "inputs[0].info.node_name");
        RejectRun(RunModelBody("81" + TensorHex("820102", "00", "f6", "680000c03f000000c0")), ProtocolErrorReason.UnexpectedType, "inputs[0].bytes_data");
        Reject(() => _codec.DecodeDeleteModelMessage(H("63", A("abc"))), ProtocolErrorReason.UnexpectedType);
        Reject(() => _codec.DecodeUploadModel(UploadBody("4401020304", "24")), ProtocolErrorReason.UnexpectedType, "length");
    }

    [Fact]
    public void Missing_required_fields_are_named()
    {
        byte[] noClientInfo = H("a3", "68", A("model_id"), "7824", A(Uuid), "6a", A("model_hash"), "60", "66", A("inputs"), "80");
        RejectRun(noClientInfo, ProtocolErrorReason.MissingField, "client_info");

        string noBytes = "a1" + "64" + A("info") + "a3" + "64" + A("fact") + "80" + "6a" + A("datum_type") + "00" + "69" + A("node_name") + "f6";
        RejectRun(RunModelBody("81" + noBytes), ProtocolErrorReason.MissingField, "inputs[0].bytes_data");

        Reject(() => _codec.DecodeDeleteModelMessage(H("a0")), ProtocolErrorReason.MissingField, "model_id");
        Reject(() => _codec.DecodeDeleteModelMessage(H("80")), ProtocolErrorReason.MissingField);
    }

    [Fact]
    public void Struct_array_with_more_elements_than_fields_is_rejected()
    {
        Reject(() => _codec.DecodeDeleteModelMessage(H("82", "60", "60")), ProtocolErrorReason.UnexpectedLength);
    }

    [Fact]
    public void A_known_field_twice_is_rejected()
    {
        Reject(() => _codec.DecodeDeleteModelMessage(H("a2", "68", A("model_id"), "60", "68", A("model_id"), "7824", A(Uuid))),
            ProtocolErrorReason.DuplicateField, "model_id");
        // The same field by name and by index is still the same field.
        Reject(() => _codec.DecodeDeleteModelMessage(H("a2", "68", A("model_id"), "60", "00", "60")), ProtocolErrorReason.DuplicateField);
    }

    [Fact]
    public void Huge_declared_lengths_hit_a_limit_before_any_allocation()
    {
        RejectRun(RunModelBody("81" + TensorHex("820102", "00", "f6", "5b7fffffffffffffff")), ProtocolErrorReason.TensorTooLarge, "inputs[0].bytes_data");
        RejectRun(RunModelBody("81" + TensorHex("820102", "00", "f6", "9b7fffffffffffffff")), ProtocolErrorReason.TensorTooLarge, "inputs[0].bytes_data");
        RejectRun(RunModelBody("81" + Float32TensorHex, "7b0000000100000000"), ProtocolErrorReason.TextTooLong, "model_id");
        RejectRun(RunModelBody("9b0000010000000000"), ProtocolErrorReason.TooManyTensors, "inputs");
        RejectRun(RunModelBody("81" + TensorHex("9840", "00", "f6", "40")), ProtocolErrorReason.RankTooLarge, "inputs[0].info.fact");
        Reject(() => _codec.DecodeUploadModel(UploadBody("9a7fffffff", "04")), ProtocolErrorReason.ModelTooLarge, "model");
        Reject(() => _codec.DecodeUploadModel(UploadBody("5a7fffffff", "04")), ProtocolErrorReason.ModelTooLarge, "model");
        Reject(() => _codec.DecodeUploadModel(UploadBody("4401020304", "1b0000010000000000")), ProtocolErrorReason.ModelTooLarge, "length");
    }

    [Fact]
    public void Declared_lengths_within_limits_but_beyond_the_input_are_truncated()
    {
        RejectRun(RunModelBody("81" + TensorHex("820102", "00", "f6", "5a00100000")), ProtocolErrorReason.Truncated, "inputs[0].bytes_data");
        Reject(() => _codec.DecodeDeleteModelMessage(H("bb00000000ffffffff")), ProtocolErrorReason.Truncated);
        Reject(() => _codec.DecodeDeleteModelMessage(H("9a00010000")), ProtocolErrorReason.Truncated);
    }

    [Fact]
    public void Deep_nesting_is_rejected()
    {
        byte[] arrays = H("a2", "61", A("x"), string.Concat(Enumerable.Repeat("81", 100)), "00", "68", A("model_id"), "7824", A(Uuid));
        Reject(() => _codec.DecodeDeleteModelMessage(arrays), ProtocolErrorReason.NestingTooDeep, "x");

        byte[] tags = H("a1", "68", A("model_id"), string.Concat(Enumerable.Repeat("c6", 100)), "7824", A(Uuid));
        Reject(() => _codec.DecodeDeleteModelMessage(tags), ProtocolErrorReason.NestingTooDeep, "model_id");

        var shallow = new MessageCodec(new ProtocolLimits { MaxNestingDepth = 8 });
        Reject(() => shallow.DecodeDeleteModel(H("a2", "61", A("x"), string.Concat(Enumerable.Repeat("81", 8)), "00", "68", A("model_id"), "60")),
            ProtocolErrorReason.NestingTooDeep);
    }

    [Theory]
    [InlineData("0e")]               // variant index 14
    [InlineData("1864")]             // variant index 100
    [InlineData("63663332")]         // "f32": names are case-sensitive
    [InlineData("66466c6f6174")]     // "Float"
    public void Unknown_datum_types_are_rejected(string datumHex) =>
        RejectRun(RunModelBody("81" + TensorHex("820102", datumHex, "f6", "480000c03f000000c0")), ProtocolErrorReason.UnknownDatumType, "inputs[0].info.datum_type");

    [Theory]
    [InlineData("20")]               // -1
    [InlineData("f93c00")]           // 1.0 as half float
    [InlineData("a0")]               // map
    [InlineData("f6")]               // null
    public void Datum_types_of_the_wrong_cbor_type_are_rejected(string datumHex) =>
        RejectRun(RunModelBody("81" + TensorHex("820102", datumHex, "f6", "480000c03f000000c0")), ProtocolErrorReason.UnexpectedType, "inputs[0].info.datum_type");

    [Fact]
    public void Shape_and_data_must_agree()
    {
        RejectRun(RunModelBody("81" + TensorHex("820102", "00", "f6", "440000c03f")), ProtocolErrorReason.ShapeMismatch, "inputs[0].bytes_data");
        RejectRun(RunModelBody("81" + TensorHex("820102", "03", "f6", "480000c03f000000c0")), ProtocolErrorReason.ShapeMismatch, "inputs[0].bytes_data");
        RejectRun(RunModelBody("81" + TensorHex("821b00000100000000001b0000010000000000", "06", "f6", "40")), ProtocolErrorReason.ShapeMismatch, "inputs[0].info.fact");
        RejectRun(RunModelBody("81" + TensorHex("81", "00", "f6", "40").Replace("81", "811bffffffffffffffff", StringComparison.Ordinal)), ProtocolErrorReason.InvalidValue, "inputs[0].info.fact[0]");

        string f32WithStrings = "a3" + "64" + A("info") + "a3" + "64" + A("fact") + "8101" + "6a" + A("datum_type") + "00" + "69" + A("node_name") + "f6"
            + "6a" + A("bytes_data") + "440000803f" + "6b" + A("string_data") + "8161" + A("a");
        RejectRun(RunModelBody("81" + f32WithStrings), ProtocolErrorReason.ShapeMismatch, "inputs[0].string_data");

        string stringsMissing = TensorHex("8102", "0d", "f6", "40");
        RejectRun(RunModelBody("81" + stringsMissing), ProtocolErrorReason.ShapeMismatch, "inputs[0].string_data");
    }

    [Fact]
    public void Byte_array_elements_above_255_are_rejected()
    {
        RejectRun(RunModelBody("81" + TensorHex("8101", "06", "f6", "81190100")), ProtocolErrorReason.InvalidValue, "inputs[0].bytes_data[0]");
        RejectRun(RunModelBody("81" + TensorHex("8101", "06", "f6", "8120")), ProtocolErrorReason.UnexpectedType, "inputs[0].bytes_data[0]");
    }

    [Fact]
    public void Invalid_utf8_is_rejected_in_values_keys_and_ignored_text()
    {
        Reject(() => _codec.DecodeDeleteModelMessage(H("a1", "68", A("model_id"), "62fffe")), ProtocolErrorReason.InvalidUtf8, "model_id");
        Reject(() => _codec.DecodeDeleteModelMessage(H("a2", "62c328", "00", "68", A("model_id"), "60")), ProtocolErrorReason.InvalidUtf8);
        Reject(() => _codec.DecodeDeleteModelMessage(H("a2", "61", A("x"), "62eda0", "68", A("model_id"), "60")), ProtocolErrorReason.InvalidUtf8);
        Reject(() => _codec.DecodeDeleteModelMessage(H("a1", "68", A("model_id"), "7f", "61c3", "61a9", "ff")), ProtocolErrorReason.InvalidUtf8, "model_id");
    }

    [Theory]
    [InlineData("1c")]          // reserved additional information
    [InlineData("ff")]          // break outside an indefinite item
    [InlineData("5f6161ff")]    // text chunk inside an indefinite byte string
    [InlineData("3f")]          // indefinite negative integer
    public void Ill_formed_cbor_is_malformed(string valueHex) =>
        Reject(() => _codec.DecodeDeleteModelMessage(H("a2", "61", A("x"), valueHex, "68", A("model_id"), "60")), ProtocolErrorReason.MalformedCbor);

    [Fact]
    public void Oversized_messages_are_rejected_before_parsing()
    {
        var small = new MessageCodec(new ProtocolLimits { MaxMessageBytes = 128 });
        byte[] body = RunModelBody("81" + Float32TensorHex);

        Reject(() => small.DecodeRunModel(body), ProtocolErrorReason.MessageTooLarge);
    }

    [Fact]
    public void Total_tensor_bytes_are_limited_across_tensors()
    {
        var codec = new MessageCodec(new ProtocolLimits { MaxTotalTensorBytes = 12 });
        byte[] body = RunModelBody("82" + Float32TensorHex + Float32TensorHex);

        Reject(() => codec.DecodeRunModel(body), ProtocolErrorReason.TensorTooLarge, "inputs[1].bytes_data");
    }

    [Fact]
    public void Indefinite_integer_arrays_decode_and_respect_the_limit()
    {
        string elements = string.Concat(Enumerable.Repeat("1818", 600));
        byte[] model = _codec.DecodeUploadModel(UploadBody("9f" + elements + "ff", "190258")).Model.ToArray();
        Assert.Equal(Enumerable.Repeat((byte)24, 600), model);

        var codec = new MessageCodec(new ProtocolLimits { MaxModelBytes = 599 });
        Reject(() => codec.DecodeUploadModel(UploadBody("9f" + elements + "ff", "190257")), ProtocolErrorReason.ModelTooLarge, "model");
    }

    [Fact]
    public void Indefinite_strings_of_many_empty_chunks_are_joined_without_blowing_up()
    {
        string chunks = string.Concat(Enumerable.Repeat("40", 100_000));
        RunModel request = _codec.DecodeRunModel(RunModelBody("81" + TensorHex("820100", "00", "f6", "5f" + chunks + "ff")));
        Assert.True(request.Inputs[0].Data.IsEmpty);

        string textChunks = string.Concat(Enumerable.Repeat("60", 100_000)) + "6161";
        Assert.Equal("a", _codec.DecodeDeleteModelMessage(H("a1", "68", A("model_id"), "7f", textChunks, "ff")).ModelId);
    }

    [Fact]
    public void String_elements_count_against_the_tensor_byte_limit_even_when_empty()
    {
        var codec = new MessageCodec(new ProtocolLimits { MaxTotalTensorBytes = 80 });
        string Strings(int n) => "a3" + "64" + A("info") + "a3" + "64" + A("fact") + "8118" + n.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)
            + "6a" + A("datum_type") + "0d" + "69" + A("node_name") + "f6" + "6a" + A("bytes_data") + "40"
            + "6b" + A("string_data") + "98" + n.ToString("x2", System.Globalization.CultureInfo.InvariantCulture) + string.Concat(Enumerable.Repeat("60", n));

        Assert.Equal(10, codec.DecodeRunModel(RunModelBody("81" + Strings(10))).Inputs[0].Strings.Length);
        Reject(() => codec.DecodeRunModel(RunModelBody("81" + Strings(11))), ProtocolErrorReason.TensorTooLarge, "inputs[0].string_data[10]");
    }

    [Fact]
    public void Upload_length_must_match_the_model_and_be_non_zero()
    {
        Reject(() => _codec.DecodeUploadModel(UploadBody("4401020304", "05")), ProtocolErrorReason.ModelLengthMismatch, "length");
        Reject(() => _codec.DecodeUploadModel(UploadBody("40", "00")), ProtocolErrorReason.EmptyModel, "length");
        Reject(() => _codec.DecodeUploadModel(UploadBody("40", "04")), ProtocolErrorReason.EmptyModel, "model");
    }

    [Fact]
    public void Upload_model_size_is_limited()
    {
        var codec = new MessageCodec(new ProtocolLimits { MaxModelBytes = 3 });

        Reject(() => codec.DecodeUploadModel(UploadBody("4401020304", "04")), ProtocolErrorReason.ModelTooLarge, "model");
        Reject(() => codec.DecodeUploadModel(UploadBody("9f01020304ff", "04")), ProtocolErrorReason.ModelTooLarge, "model");
    }

    [Fact]
    public void Model_references_follow_the_original_rules()
    {
        Reject(() => new RunModel("", "", []) { ClientInfo = PythonClientInfo }.GetModelReference(), ProtocolErrorReason.InvalidModelReference);
        Reject(() => new RunModel(Uuid, new string('a', 64), []) { ClientInfo = PythonClientInfo }.GetModelReference(), ProtocolErrorReason.InvalidModelReference);
        Reject(() => new RunModel("not-a-uuid", "", []) { ClientInfo = PythonClientInfo }.GetModelReference(), ProtocolErrorReason.InvalidModelReference, "model_id");
        // The original server panicked on bad hex; we reject it.
        Reject(() => new RunModel("", "abc", []) { ClientInfo = PythonClientInfo }.GetModelReference(), ProtocolErrorReason.InvalidModelReference, "model_hash");
        Reject(() => new RunModel("", new string('g', 64), []) { ClientInfo = PythonClientInfo }.GetModelReference(), ProtocolErrorReason.InvalidModelReference, "model_hash");
        Reject(() => new DeleteModel("").GetModelId(), ProtocolErrorReason.InvalidModelReference, "model_id");
    }

    [Fact]
    public void Client_side_replies_are_checked()
    {
        Reject(() => _codec.DecodeSendModelReply(H("a2", "64", A("hash"), "5f", Convert.ToHexString(new byte[31]), "ff", "68", A("model_id"), "7824", A(Uuid)).AsMemory()),
            ProtocolErrorReason.MalformedCbor);
        Reject(() => _codec.DecodeSendModelReply(H("a2", "64", A("hash"), "581f", Convert.ToHexString(new byte[31]), "68", A("model_id"), "7824", A(Uuid))),
            ProtocolErrorReason.InvalidValue, "hash");
        Reject(() => _codec.DecodeSendModelReply(H("a2", "64", A("hash"), "5820", Convert.ToHexString(new byte[32]), "68", A("model_id"), "63", A("abc"))),
            ProtocolErrorReason.InvalidValue, "model_id");
        Reject(() => _codec.DecodeDeleteModelReply(H("a0")), ProtocolErrorReason.UnexpectedType);
        Reject(() => _codec.DecodeCertificate(H("40")), ProtocolErrorReason.InvalidValue);
        Reject(() => _codec.DecodeCertificate(H("63", A("pem"))), ProtocolErrorReason.UnexpectedType);
        Reject(() => _codec.DecodeFreshEvidenceRequest(H("a1", "65", A("nonce"), "5f", "00", "ff")), ProtocolErrorReason.MalformedCbor);
        Reject(() => _codec.DecodeFreshEvidenceRequest(H("a1", "65", A("nonce"), "581f", Convert.ToHexString(new byte[31]))), ProtocolErrorReason.InvalidValue, "nonce");
        Reject(() => _codec.DecodeFreshEvidenceRequest(H("a1", "65", A("nonce"), "5821", Convert.ToHexString(new byte[33]))), ProtocolErrorReason.InvalidValue, "nonce");
        Reject(() => _codec.DecodeCollateral(H("a1", "67", A("version"), "1b0000000200000000")), ProtocolErrorReason.InvalidValue, "version");
        Reject(() => _codec.DecodeCollateral(H("a1", "67", A("version"), "01")), ProtocolErrorReason.MissingField, "pck_crl_issuer_chain");
    }

    [Fact]
    public void Random_mutations_only_ever_raise_protocol_exceptions()
    {
        byte[][] seeds =
        [
            RunModelBody("82" + Float32TensorHex + TensorHex("8102", "0a", "6178", "420100")),
            UploadBody("840017181818ff", "04"),
            H("a2", "64", A("hash"), "5820", Convert.ToHexString(new byte[32]), "68", A("model_id"), "7824", A(Uuid)),
            _codec.EncodeCollateral(new SgxCollateral(1, "a", "b", "c", "d", "{}", "e", "{}", "f", "g")),
            H("bf", "65", A("model"), "840017181818ff", "66", A("length"), "04", "6a", A("model_name"), "60",
                "68", A("optimize"), "f5", "6b", A("client_info"), ClientInfoHex, "ff"),
        ];
        var random = new Random(20261125);
        int accepted = 0, rejected = 0;
        for (int i = 0; i < 50_000; i++)
        {
            byte[] body = (byte[])seeds[i % seeds.Length].Clone();
            int edits = 1 + random.Next(4);
            for (int e = 0; e < edits; e++)
            {
                body[random.Next(body.Length)] = random.Next(3) == 0 ? (byte)(0x18 + random.Next(8)) : (byte)random.Next(256);
            }

            try
            {
                switch (i % seeds.Length)
                {
                    case 0: _codec.DecodeRunModel(body); break;
                    case 1 or 4: _codec.DecodeUploadModel(body); break;
                    case 2: _codec.DecodeSendModelReply(body); break;
                    default: _codec.DecodeCollateral(body); break;
                }

                accepted++;
            }
            catch (ProtocolException)
            {
                rejected++;
            }
        }

        Assert.True(rejected > 10_000, $"Only {rejected} of 50000 mutations were rejected.");
        Assert.True(accepted > 0);
    }
}
