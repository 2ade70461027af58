using System.Security.Cryptography;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Problems;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Protocol.Tests.Surface;

/// <summary>What the public surface gives in place of the types it no longer exposes.</summary>
public sealed class MessageSurfaceTests
{
    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("../../../../etc/passwd")]
    [InlineData(null)]
    public void Malformed_hash_text_is_not_a_model_hash(string? text)
    {
        // The engine takes a ModelHash, so this is where hash text from the wire is refused.
        Assert.False(ModelHash.TryParse(text, out ModelHash? hash));
        Assert.Null(hash);
        Assert.Throws<FormatException>(() => ModelHash.Parse(text ?? string.Empty));
    }

    [Fact]
    public void Hash_text_of_either_case_parses_to_the_same_hash()
    {
        ModelHash hash = ModelHash.Compute("model"u8);

        Assert.Equal(hash, ModelHash.Parse(hash.ToString().ToUpperInvariant()));
    }

    [Fact]
    public void A_delete_body_decodes_to_its_id_and_refuses_an_id_that_is_not_a_uuid()
    {
        ModelId id = ModelId.NewId();

        Assert.Equal(id, MessageCodec.Default.DecodeDeleteModel(MessageCodec.Default.EncodeDeleteModel(id)));
        ProtocolException refused = Assert.Throws<ProtocolException>(
            () => MessageCodec.Default.DecodeDeleteModel(MessageCodec.Default.EncodeDeleteModel(new DeleteModel("../../etc/passwd"))));
        Assert.Equal(ProtocolErrorReason.InvalidModelReference, refused.Reason);
        Assert.Equal("model_id", refused.FieldPath);
    }

    [Fact]
    public void An_evidence_request_body_decodes_to_its_nonce_and_refuses_other_lengths()
    {
        byte[] nonce = RandomNumberGenerator.GetBytes(FreshEvidenceReply.NonceLength);

        Assert.Equal(nonce, MessageCodec.Default.DecodeFreshEvidenceRequest(MessageCodec.Default.EncodeFreshEvidenceRequest(nonce)).ToArray());
        Assert.Throws<ArgumentException>(() => MessageCodec.Default.EncodeFreshEvidenceRequest(new byte[FreshEvidenceReply.NonceLength - 1]));
    }

    [Fact]
    public void Supported_datum_types_are_every_element_type_by_wire_name_in_datum_order()
    {
        Assert.Equal(
            ["F32", "F64", "I32", "I64", "U32", "U64", "U8", "U16", "I8", "I16", "Bool", "F16", "BF16", "String"],
            ServerCapabilities.SupportedDatumTypes.ToArray());
        Assert.All(ServerCapabilities.SupportedDatumTypes, name => Assert.True(Tensor.TryParseWireName(name, out _)));
    }

    [Fact]
    public void A_problem_round_trips_through_json_and_cbor_by_media_type()
    {
        ProblemDetails problem = ProblemDetails.Create(ProblemCode.UnknownModel, "no such model") with
        {
            Violations = [new ProblemViolation("model_id", "unknown")],
        };

        foreach ((byte[] body, string mediaType) in new[] { (problem.ToJson(), ProtocolMediaTypes.ProblemJson), (problem.ToCbor(), ProtocolMediaTypes.ProblemCbor) })
        {
            ProblemDetails parsed = ProblemDetails.Parse(body, mediaType);
            Assert.Equal(ProblemCode.UnknownModel, parsed.Code);
            Assert.Equal(404, parsed.Status);
            Assert.Equal("urn:blindai:problem:" + ProblemDetails.GetCodeName(ProblemCode.UnknownModel), parsed.Type);
            Assert.Equal(problem.Violations.ToArray(), parsed.Violations.ToArray());
        }

        Assert.Equal("unknown-model", ProblemDetails.GetCodeName(ProblemCode.UnknownModel));
        Assert.Throws<ArgumentException>(() => ProblemDetails.Parse(problem.ToJson(), "text/plain"));
    }

    [Fact]
    public void Decoded_run_messages_carry_tensors_and_unnamed_reply_outputs_get_the_original_names()
    {
        Tensor input = Tensor.Create<float>([1f, 2f], [2], "x");
        RunModel request = MessageCodec.Default.DecodeRunModel(MessageCodec.Default.EncodeRunModel(RunModel.Create(ModelReference.ById(ModelId.NewId()), [input])));
        RunModelReply reply = MessageCodec.Default.DecodeRunModelReply(MessageCodec.Default.EncodeRunModelReply(RunModelReply.FromTensors([Tensor.Create<long>([7L], [1])])));

        Assert.Equal([1f, 2f], Assert.Single(request.Inputs).ToArray<float>());
        Assert.Equal("output_0", Assert.Single(reply.Outputs).Name);
    }
}
