using System.Text;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Problems;
using static BlindAI.Protocol.Tests.Cbor.Wire;

namespace BlindAI.Protocol.Tests.Problems;

public sealed class ProblemDetailsTests
{
    private readonly ProblemDetailsSerializer _serializer = ProblemDetailsSerializer.Default;

    [Fact]
    public void Every_code_has_a_unique_stable_urn_status_and_title()
    {
        Assert.Equal(Enum.GetValues<ProblemCode>().Length, ProblemTypes.All.Count);
        Assert.Equal(ProblemTypes.All.Count, ProblemTypes.All.Select(ProblemTypes.GetTypeUri).Distinct().Count());
        foreach (ProblemCode code in ProblemTypes.All)
        {
            string uri = ProblemTypes.GetTypeUri(code);
            Assert.StartsWith("urn:blindai:problem:", uri, StringComparison.Ordinal);
            Assert.True(ProblemTypes.TryParseTypeUri(uri, out ProblemCode parsed));
            Assert.Equal(code, parsed);
            Assert.InRange(ProblemTypes.GetStatus(code), 400, 599);
            Assert.False(string.IsNullOrWhiteSpace(ProblemTypes.GetTitle(code)));
        }
    }

    [Theory]
    [InlineData(ProblemCode.BadRequest, "urn:blindai:problem:bad-request", 400)]
    [InlineData(ProblemCode.MalformedCbor, "urn:blindai:problem:malformed-cbor", 400)]
    [InlineData(ProblemCode.PayloadTooLarge, "urn:blindai:problem:payload-too-large", 413)]
    [InlineData(ProblemCode.UnknownModel, "urn:blindai:problem:unknown-model", 404)]
    [InlineData(ProblemCode.InvalidInput, "urn:blindai:problem:invalid-input", 422)]
    [InlineData(ProblemCode.TensorShapeMismatch, "urn:blindai:problem:tensor-shape-mismatch", 422)]
    [InlineData(ProblemCode.InvalidModel, "urn:blindai:problem:invalid-model", 422)]
    [InlineData(ProblemCode.Busy, "urn:blindai:problem:busy", 503)]
    [InlineData(ProblemCode.Unauthorized, "urn:blindai:problem:unauthorized", 401)]
    [InlineData(ProblemCode.AttestationUnavailable, "urn:blindai:problem:attestation-unavailable", 503)]
    [InlineData(ProblemCode.Internal, "urn:blindai:problem:internal", 500)]
    public void Registry_pins_the_type_uris_and_statuses_clients_depend_on(ProblemCode code, string uri, int status)
    {
        Assert.Equal(uri, ProblemTypes.GetTypeUri(code));
        Assert.Equal(status, ProblemTypes.GetStatus(code));
    }

    [Fact]
    public void Json_has_the_rfc_9457_members_then_the_blindai_extensions()
    {
        ProblemDetails problem = ProblemDetails.Create(ProblemCode.UnknownModel, "No model has id 0f8fad5b-d9cb-469f-a165-70867728950e.") with
        {
            Instance = "urn:request:42",
        };

        string json = Encoding.UTF8.GetString(_serializer.ToJson(problem));

        Assert.Equal(
            """{"type":"urn:blindai:problem:unknown-model","title":"Unknown model","status":404,"detail":"No model has id 0f8fad5b-d9cb-469f-a165-70867728950e.","instance":"urn:request:42","code":"unknown-model"}""",
            json);
        Assert.Equal(problem, _serializer.FromJson(Encoding.UTF8.GetBytes(json)) with { Extensions = problem.Extensions });
    }

    [Fact]
    public void Cbor_is_a_map_with_the_json_member_names()
    {
        ProblemDetails problem = ProblemDetails.Create(ProblemCode.Busy, null);

        byte[] expected = H(
            "a4",
            "64", A("type"), "7818", A("urn:blindai:problem:busy"),
            "65", A("title"), "6b", A("Server busy"),
            "66", A("status"), "1901f7",
            "64", A("code"), "64", A("busy"));

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(_serializer.ToCbor(problem)));
        ProblemDetails parsed = _serializer.FromCbor(expected);
        Assert.Equal(ProblemCode.Busy, parsed.Code);
        Assert.Equal(503, parsed.Status);
        Assert.Equal("Server busy", parsed.Title);
    }

    [Fact]
    public void A_protocol_exception_becomes_a_problem_with_its_field_and_reason()
    {
        var exception = Assert.Throws<ProtocolException>(() => MessageCodec.Default.DecodeDeleteModel(H("a1", "68", A("model_id"), "05")));

        ProblemDetails problem = ProblemDetails.FromProtocolException(exception);

        Assert.Equal(ProblemCode.MalformedCbor, problem.Code);
        Assert.Equal(400, problem.Status);
        Assert.Equal("model_id", Assert.Single(problem.Violations).Field);
        Assert.Equal("unexpected-type", problem.Extensions["reason"]);

        foreach (byte[] body in new[] { _serializer.ToJson(problem), _serializer.ToCbor(problem) })
        {
            ProblemDetails parsed = _serializer.Parse(body, body[0] == (byte)'{' ? "application/problem+json; charset=utf-8" : "application/problem+cbor");
            Assert.Equal(problem.Code, parsed.Code);
            Assert.Equal(problem.Detail, parsed.Detail);
            Assert.Equal(problem.Violations.ToArray(), parsed.Violations.ToArray());
            Assert.Equal(problem.Extensions.ToArray(), parsed.Extensions.ToArray());
        }
    }

    [Theory]
    [InlineData(ProtocolErrorReason.MessageTooLarge, ProblemCode.PayloadTooLarge)]
    [InlineData(ProtocolErrorReason.TensorTooLarge, ProblemCode.PayloadTooLarge)]
    [InlineData(ProtocolErrorReason.ModelTooLarge, ProblemCode.PayloadTooLarge)]
    [InlineData(ProtocolErrorReason.ShapeMismatch, ProblemCode.TensorShapeMismatch)]
    [InlineData(ProtocolErrorReason.UnknownDatumType, ProblemCode.InvalidInput)]
    [InlineData(ProtocolErrorReason.InvalidModelReference, ProblemCode.BadRequest)]
    [InlineData(ProtocolErrorReason.Truncated, ProblemCode.MalformedCbor)]
    [InlineData(ProtocolErrorReason.InvalidUtf8, ProblemCode.MalformedCbor)]
    public void Decoding_failures_map_to_problem_codes(ProtocolErrorReason reason, ProblemCode code) =>
        Assert.Equal(code, ProblemTypes.FromProtocolError(reason));

    [Fact]
    public void Every_decoding_failure_maps_to_a_defined_code()
    {
        foreach (ProtocolErrorReason reason in Enum.GetValues<ProtocolErrorReason>())
        {
            Assert.Contains(ProblemTypes.FromProtocolError(reason), ProblemTypes.All);
        }
    }

    [Fact]
    public void Members_of_the_wrong_type_are_ignored_as_rfc_9457_requires()
    {
        ProblemDetails parsed = _serializer.FromJson(
            """{"type":7,"title":["x"],"status":"500","detail":"d","code":"busy","violations":{"a":1},"retry":"5","n":3}"""u8.ToArray());

        Assert.Equal(ProblemDetails.DefaultType, parsed.Type);
        Assert.Null(parsed.Title);
        Assert.Null(parsed.Status);
        Assert.Equal("d", parsed.Detail);
        Assert.Equal(ProblemCode.Busy, parsed.Code);
        Assert.Empty(parsed.Violations);
        Assert.Equal("5", parsed.Extensions["retry"]);
        Assert.False(parsed.Extensions.ContainsKey("n"));
    }

    [Fact]
    public void An_unknown_code_from_a_newer_server_is_kept_as_an_extension()
    {
        ProblemDetails parsed = _serializer.FromJson("""{"type":"urn:blindai:problem:quota","code":"quota"}"""u8.ToArray());

        Assert.Null(parsed.Code);
        Assert.Equal("quota", parsed.Extensions["code"]);
        Assert.Contains("\"code\":\"quota\"", Encoding.UTF8.GetString(_serializer.ToJson(parsed)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("{\"type\":")]
    [InlineData("{\"detail\":\"a\",\"detail\":\"b\"}")]
    public void Malformed_json_is_a_protocol_exception(string json)
    {
        var exception = Assert.Throws<ProtocolException>(() => _serializer.FromJson(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(ProtocolErrorReason.MalformedJson, exception.Reason);
    }

    [Fact]
    public void Json_nesting_beyond_the_limit_is_rejected()
    {
        string json = "{\"x\":" + new string('[', 200) + new string(']', 200) + "}";

        var exception = Assert.Throws<ProtocolException>(() => _serializer.FromJson(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(ProtocolErrorReason.MalformedJson, exception.Reason);
    }

    [Fact]
    public void Oversized_problem_documents_are_rejected_before_parsing()
    {
        var serializer = new ProblemDetailsSerializer(new ProtocolLimits { MaxMessageBytes = 1024 });

        Assert.Equal(ProtocolErrorReason.MessageTooLarge,
            Assert.Throws<ProtocolException>(() => serializer.FromJson(new byte[1025])).Reason);
        Assert.Equal(ProtocolErrorReason.MessageTooLarge,
            Assert.Throws<ProtocolException>(() => serializer.FromCbor(new byte[1025])).Reason);
    }

    [Fact]
    public void Cbor_problem_that_is_not_a_map_is_rejected()
    {
        var exception = Assert.Throws<ProtocolException>(() => _serializer.FromCbor(H("63", A("err"))));
        Assert.Equal(ProtocolErrorReason.UnexpectedType, exception.Reason);
    }

    [Fact]
    public void Unknown_media_type_is_an_argument_error()
    {
        Assert.Throws<ArgumentException>(() => _serializer.Parse(new byte[] { 0xa0 }, "text/html"));
        Assert.Throws<ArgumentException>(() => _serializer.Serialize(ProblemDetails.Create(ProblemCode.Internal, null), "text/html"));
    }

    [Theory]
    [InlineData(ProtocolMediaTypes.ProblemJson)]
    [InlineData(ProtocolMediaTypes.ProblemCbor)]
    public void Serialize_and_parse_agree_for_each_media_type(string mediaType)
    {
        ProblemDetails problem = ProblemDetails.Create(ProblemCode.TensorShapeMismatch, "inputs[0] needs 8 bytes") with
        {
            Violations = [new ProblemViolation("inputs[0].bytes_data", "needs 8 bytes"), new ProblemViolation(null, "whole request")],
        };

        ProblemDetails parsed = _serializer.Parse(_serializer.Serialize(problem, mediaType), mediaType);

        Assert.Equal(problem.Violations.ToArray(), parsed.Violations.ToArray());
        Assert.Equal(problem with { Violations = parsed.Violations, Extensions = parsed.Extensions }, parsed);
    }
}
