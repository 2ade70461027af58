using System.Net;
using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Problems;
using BlindAI.Protocol.Tensors;
using BlindAI.SampleHost.Tests.Support;
using BlindAI.Testing;

namespace BlindAI.SampleHost.Tests.Server;

/// <summary>
/// Every refusal is a precise problem (RFC 9457, JSON or CBOR by Accept) for clients that ask, and the original
/// server's 500 + CBOR text for the original client; a well-behaved client keeps being served meanwhile.
/// </summary>
public sealed class ErrorResponseTests : IClassFixture<LimitedHostFixture>
{
    private static readonly byte[] TruncatedCbor = [0xa4, 0x68, (byte)'m', (byte)'o'];

    private readonly RunningHost _host;

    public ErrorResponseTests(LimitedHostFixture fixture) => _host = fixture.Host;

    [Fact]
    public async Task Malformed_CBOR_is_malformed_cbor_in_JSON_or_CBOR_as_asked()
    {
        using HttpResponseMessage json = await _host.Attested.SendAsync(RunningHost.Post(ProtocolRoutes.Run, TruncatedCbor, ProtocolMediaTypes.ProblemJson));
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal(ProtocolMediaTypes.ProblemJson, json.Content.Headers.ContentType?.MediaType);
        ProblemDetails problem = await Wire.ProblemAsync(json);
        Assert.Equal(ProblemCode.MalformedCbor, problem.Code);
        Assert.Equal("urn:blindai:problem:malformed-cbor", problem.Type);
        Assert.Equal(400, problem.Status);
        Assert.Equal(ProtocolRoutes.Run, problem.Instance);

        using HttpResponseMessage cbor = await _host.Attested.SendAsync(RunningHost.Post(ProtocolRoutes.Run, TruncatedCbor, ProtocolMediaTypes.ProblemCbor));
        Assert.Equal(ProtocolMediaTypes.ProblemCbor, cbor.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ProblemCode.MalformedCbor, (await Wire.ProblemAsync(cbor)).Code);
    }

    [Fact]
    public async Task The_original_client_gets_500_with_a_CBOR_text_message()
    {
        using HttpResponseMessage response = await _host.Attested.SendAsync(RunningHost.Post(ProtocolRoutes.Run, TruncatedCbor));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(ProtocolMediaTypes.Cbor, response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(MessageCodec.Default.DecodeErrorText(await response.Content.ReadAsByteArrayAsync())));
        Assert.Equal("urn:blindai:problem:malformed-cbor", string.Join(",", response.Headers.GetValues("BlindAI-Problem-Type")));
    }

    [Fact]
    public async Task Unknown_model_by_id_or_hash_is_unknown_model()
    {
        Tensor input = Tensor.Create<float>([1f], [1]);
        foreach (ModelReference reference in new[] { ModelReference.ById(ModelId.NewId()), ModelReference.ByHash(ModelHash.Compute([1, 2, 3])) })
        {
            using HttpResponseMessage response = await _host.Attested.SendAsync(RunningHost.Post(ProtocolRoutes.Run, Wire.Run(reference, input), ProtocolMediaTypes.ProblemJson));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(ProblemCode.UnknownModel, (await Wire.ProblemAsync(response)).Code);
        }

        using HttpResponseMessage delete = await _host.Management.SendAsync(RunningHost.Post(ProtocolRoutes.Delete, Wire.Delete(ModelId.NewId()), ProtocolMediaTypes.ProblemJson));
        Assert.Equal(ProblemCode.UnknownModel, (await Wire.ProblemAsync(delete)).Code);
    }

    [Fact]
    public async Task Wrong_tensor_shape_is_tensor_shape_mismatch_and_wrong_type_is_invalid_input()
    {
        SendModelReply uploaded = await Wire.UploadAsync(_host.Management, TestModels.Subtract());
        Tensor a = Tensor.Create<float>([1, 2, 3, 4, 5, 6], [2, 3], "A");

        using HttpResponseMessage shape = await _host.Attested.SendAsync(RunningHost.Post(ProtocolRoutes.Run,
            Wire.Run(ModelReference.ById(uploaded.ModelId), a, Tensor.Create<float>([1, 2, 3, 4, 5, 6], [3, 2], "B")), ProtocolMediaTypes.ProblemJson));
        ProblemDetails shapeProblem = await Wire.ProblemAsync(shape);
        Assert.Equal(ProblemCode.TensorShapeMismatch, shapeProblem.Code);
        Assert.Equal(422, (int)shape.StatusCode);
        Assert.Equal("B", shapeProblem.Extensions["input"]);

        using HttpResponseMessage type = await _host.Attested.SendAsync(RunningHost.Post(ProtocolRoutes.Run,
            Wire.Run(ModelReference.ById(uploaded.ModelId), a, Tensor.Create<int>([1, 2, 3, 4, 5, 6], [2, 3], "B")), ProtocolMediaTypes.ProblemJson));
        Assert.Equal(ProblemCode.InvalidInput, (await Wire.ProblemAsync(type)).Code);
    }

    [Fact]
    public async Task Bytes_that_are_not_a_model_are_invalid_model()
    {
        using HttpResponseMessage response = await _host.Management.SendAsync(RunningHost.Post(ProtocolRoutes.Upload, Wire.Upload([1, 2, 3, 4, 5, 6, 7, 8]), ProtocolMediaTypes.ProblemJson));

        Assert.Equal(ProblemCode.InvalidModel, (await Wire.ProblemAsync(response)).Code);
    }

    [Fact]
    public async Task Neither_id_nor_hash_is_bad_request()
    {
        var message = new RunModel(string.Empty, string.Empty, [], ClientInfo.Anonymous);
        using HttpResponseMessage response = await _host.Attested.SendAsync(RunningHost.Post(ProtocolRoutes.Run, MessageCodec.Default.EncodeRunModel(message), ProtocolMediaTypes.ProblemJson));

        Assert.Equal(ProblemCode.BadRequest, (await Wire.ProblemAsync(response)).Code);
    }

    [Fact]
    public async Task Oversized_bodies_are_payload_too_large_with_or_without_content_length()
    {
        byte[] big = new byte[LimitedHostFixture.MaxRunBodyBytes + 1];
        using HttpResponseMessage declared = await _host.Attested.SendAsync(RunningHost.Post(ProtocolRoutes.Run, big, ProtocolMediaTypes.ProblemJson));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal(ProblemCode.PayloadTooLarge, (await Wire.ProblemAsync(declared)).Code);

        var chunked = new HttpRequestMessage(HttpMethod.Post, ProtocolRoutes.Upload) { Content = new StreamContent(new MemoryStream(new byte[LimitedHostFixture.MaxUploadBodyBytes * 2])) };
        chunked.Headers.TransferEncodingChunked = true;
        chunked.Headers.Accept.ParseAdd(ProtocolMediaTypes.ProblemCbor);
        using HttpResponseMessage streamed = await _host.Management.SendAsync(chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Equal(ProblemCode.PayloadTooLarge, (await Wire.ProblemAsync(streamed)).Code);
    }

    [Fact]
    public async Task A_well_behaved_client_keeps_working_while_others_send_oversized_and_malformed_requests()
    {
        SendModelReply uploaded = await Wire.UploadAsync(_host.Management, TestModels.Subtract());
        Tensor a = Tensor.Create<float>([5, 5, 5, 5, 5, 5], [2, 3], "A");
        Tensor b = Tensor.Create<float>([1, 2, 3, 4, 5, 6], [2, 3], "B");
        using var stop = new CancellationTokenSource();

        async Task<List<HttpStatusCode>> AttackAsync(byte[] body)
        {
            var statuses = new List<HttpStatusCode>();
            while (!stop.IsCancellationRequested)
            {
                using HttpResponseMessage response = await _host.Attested.SendAsync(RunningHost.Post(ProtocolRoutes.Run, body, ProtocolMediaTypes.ProblemJson));
                statuses.Add(response.StatusCode);
                Assert.NotNull((await Wire.ProblemAsync(response)).Code);
            }

            return statuses;
        }

        Task<List<HttpStatusCode>> oversized = Task.Run(() => AttackAsync(new byte[LimitedHostFixture.MaxRunBodyBytes * 4]));
        Task<List<HttpStatusCode>> malformed = Task.Run(() => AttackAsync(TruncatedCbor));
        for (int i = 0; i < 20; i++)
        {
            RunModelReply reply = await Wire.RunAsync(_host.Attested, ModelReference.ById(uploaded.ModelId), a, b);
            Assert.Equal([4f, 3, 2, 1, 0, -1], Assert.Single(reply.GetOutputTensors()).ToArray<float>());
        }

        await stop.CancelAsync();
        Assert.NotEmpty(await oversized);
        Assert.NotEmpty(await malformed);
        Assert.All(await oversized, s => Assert.Equal(HttpStatusCode.RequestEntityTooLarge, s));
        Assert.All(await malformed, s => Assert.Equal(HttpStatusCode.BadRequest, s));
    }
}
