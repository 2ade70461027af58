using System.Security.Cryptography;
using BlindAI.Inference.Tests.Support;
using BlindAI.Protocol.Tensors;
using BlindAI.Testing;

namespace BlindAI.Inference.Tests.Engine;

public sealed class UploadTests
{
    [Fact]
    public async Task Upload_gives_a_random_uuid_and_the_sha256_of_the_bytes_and_describes_the_model()
    {
        using OnnxInferenceEngine engine = Engines.Create();
        byte[] model = TestModels.MatMulAddRelu();

        ModelInfo info = await engine.UploadAsync(model, new ModelUploadOptions { Name = "tiny" });

        Assert.NotEqual(Guid.Empty, info.Id);
        Assert.Equal(4, info.Id.Version);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(model)), info.Sha256);
        Assert.Equal("tiny", info.Name);
        Assert.Equal(model.Length, info.SizeBytes);
        TensorSpec input = Assert.Single(info.Inputs);
        Assert.Equal(("X", TensorElementType.Float32), (input.Name, input.ElementType));
        Assert.Equal([null, 4L], input.Shape!);
        Assert.Equal([null, 3L], Assert.Single(info.Outputs).Shape!);
        Assert.True(engine.TryGetModel(info.Id, out ModelInfo? listed));
        Assert.Same(info, listed);
    }

    [Fact]
    public async Task Upload_from_a_stream_runs_like_upload_from_bytes()
    {
        using OnnxInferenceEngine engine = Engines.Create();
        ModelInfo info = await engine.UploadFromStreamAsync(new NonSeekableStream(TestModels.MatMulAddRelu()));

        IReadOnlyList<Tensor> outputs = await engine.RunAsync(info.Id, [Tensor.Create<float>([1, 2, 3, 4], [1, 4])]);

        // X·W + B with W[i,j] = ((3i + j) mod 5) − 2, then Relu.
        Assert.Equal([5.5f, 0f, 0f], outputs[0].ToArray<float>());
    }

    [Fact]
    public async Task A_stream_is_refused_while_reading_once_it_passes_the_model_limit()
    {
        using OnnxInferenceEngine engine = Engines.Create(o => o.MaxModelBytes = 1 << 20);
        var endless = new EndlessStream();

        InferenceException e = await Assert.ThrowsAsync<InferenceException>(() => engine.UploadFromStreamAsync(endless));

        Assert.Equal(InferenceError.ModelTooLarge, e.Reason);
        Assert.Equal((1 << 20) + 1, endless.BytesRead);
    }

    [Fact]
    public async Task A_seekable_stream_is_read_from_its_current_position()
    {
        using OnnxInferenceEngine engine = Engines.Create();
        byte[] model = TestModels.Subtract();
        using var stream = new MemoryStream([0xFF, 0xFF, .. model]);
        stream.Position = 2;

        ModelInfo info = await engine.UploadFromStreamAsync(stream);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(model)), info.Sha256);
    }

    [Fact]
    public async Task A_seekable_stream_longer_than_the_limit_is_refused_before_reading()
    {
        using OnnxInferenceEngine engine = Engines.Create(o => o.MaxModelBytes = 100);
        using var stream = new MemoryStream(new byte[101]);

        InferenceException e = await Assert.ThrowsAsync<InferenceException>(() => engine.UploadFromStreamAsync(stream));

        Assert.Equal(InferenceError.ModelTooLarge, e.Reason);
        Assert.Equal(0, stream.Position);
    }

    [Fact]
    public async Task Bytes_over_the_limit_are_refused()
    {
        using OnnxInferenceEngine engine = Engines.Create(o => o.MaxModelBytes = 64);
        InferenceException e = await Assert.ThrowsAsync<InferenceException>(() => engine.UploadAsync(TestModels.MatMulAddRelu()));
        Assert.Equal(InferenceError.ModelTooLarge, e.Reason);
        Assert.Empty(engine.ListModels());
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x08, 0x08, 0x3A, 0x7F })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF })]
    public async Task Bytes_that_are_not_an_onnx_model_are_an_invalid_model(byte[] bytes)
    {
        using OnnxInferenceEngine engine = Engines.Create();
        InferenceException e = await Assert.ThrowsAsync<InferenceException>(() => engine.UploadAsync(bytes));
        Assert.Equal(InferenceError.InvalidModel, e.Reason);
    }

    [Fact]
    public async Task A_well_formed_protobuf_that_onnx_runtime_refuses_is_an_invalid_model()
    {
        using OnnxInferenceEngine engine = Engines.Create();
        byte[] model = TestModels.Subtract();
        var parsed = Onnx.ModelProto.Parser.ParseFrom(model);
        parsed.Graph.Node[0].OpType = "NoSuchOperator";

        InferenceException e = await Assert.ThrowsAsync<InferenceException>(() => engine.UploadAsync(Google.Protobuf.MessageExtensions.ToByteArray(parsed)));

        Assert.Equal(InferenceError.InvalidModel, e.Reason);
        Assert.Contains("NoSuchOperator", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> ExternalDataModels => ["initializer", "constant", "subgraph"];

    [Theory]
    [MemberData(nameof(ExternalDataModels))]
    public async Task A_model_that_reads_external_files_is_refused_before_onnx_runtime_sees_it(string where)
    {
        byte[] model = where switch
        {
            "initializer" => TestModels.ExternalInitializer(),
            "constant" => TestModels.ExternalConstant(),
            _ => TestModels.ExternalDataInSubgraph(),
        };
        using OnnxInferenceEngine engine = Engines.Create();

        InferenceException e = await Assert.ThrowsAsync<InferenceException>(() => engine.UploadAsync(model));

        Assert.Equal(InferenceError.InvalidModel, e.Reason);
        Assert.Contains("external files", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_with_a_sequence_input_is_unsupported()
    {
        using OnnxInferenceEngine engine = Engines.Create();
        InferenceException e = await Assert.ThrowsAsync<InferenceException>(() => engine.UploadAsync(TestModels.SequenceInput()));
        Assert.Equal(InferenceError.UnsupportedModel, e.Reason);
        Assert.Contains("'S'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Identical_uploads_get_distinct_ids_share_one_session_and_release_it_with_the_last_id()
    {
        var logger = new RecordingLogger<OnnxInferenceEngine>();
        using OnnxInferenceEngine engine = Engines.Create(logger: logger);
        byte[] model = TestModels.MatMulAddRelu();

        ModelInfo first = await engine.UploadAsync(model);
        ModelInfo second = await engine.UploadAsync(model);

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Contains(logger.Entries, e => e.Id.Id == 1 && e.Message.Contains(second.Id.ToString(), StringComparison.Ordinal) && e.Message.EndsWith("shared session: True).", StringComparison.Ordinal));
        Assert.Equal(2, engine.ListModels().Count);

        await engine.DeleteAsync(first.Id);
        Assert.Equal(0, logger.Count(4));
        Tensor x = Tensor.Create<float>([1, 2, 3, 4], [1, 4]);
        IReadOnlyList<Tensor> byHash = await engine.RunByHashAsync(first.Sha256.ToUpperInvariant(), [x]);
        Assert.Equal([5.5f, 0f, 0f], byHash[0].ToArray<float>());
        await Assert.ThrowsAsync<InferenceException>(() => engine.RunAsync(first.Id, [x]));

        await engine.DeleteAsync(second.Id);
        Assert.Equal(1, logger.Count(4));
        InferenceException e = await Assert.ThrowsAsync<InferenceException>(() => engine.RunByHashAsync(first.Sha256, [x]));
        Assert.Equal(InferenceError.UnknownModel, e.Reason);
    }

    [Fact]
    public async Task Deleting_an_unknown_id_is_an_unknown_model()
    {
        using OnnxInferenceEngine engine = Engines.Create();
        InferenceException e = await Assert.ThrowsAsync<InferenceException>(() => engine.DeleteAsync(Guid.NewGuid()));
        Assert.Equal(InferenceError.UnknownModel, e.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("../../../../etc/passwd")]
    public async Task A_malformed_hash_is_an_invalid_model_reference(string hash)
    {
        using OnnxInferenceEngine engine = Engines.Create();
        InferenceException e = await Assert.ThrowsAsync<InferenceException>(() => engine.RunByHashAsync(hash, []));
        Assert.Equal(InferenceError.InvalidModelReference, e.Reason);
    }

    private sealed class NonSeekableStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }

    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)0x42, offset, count);
            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
