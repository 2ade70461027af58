using BlindAI.Client.Models;
using BlindAI.Inference;
using BlindAI.Protocol.Tensors;
using BlindAI.Testing;
using Microsoft.ML.Tokenizers;

namespace BlindAI.Client.Tests.EndToEnd;

/// <summary>The three real models through client → attested TLS → sample host → ONNX Runtime, and back.</summary>
[Collection(HostCollection.Name)]
public sealed class RealModelTests(HostFixture fixture)
{
    [Fact]
    public async Task MiniLM_embeddings_match_the_reference_and_similar_sentences_are_close()
    {
        await using BlindAIClient client = await BlindAIClient.ConnectAsync(fixture.Host.ClientOptions());
        var progress = new List<UploadProgress>();
        UploadedModel model = await client.UploadModelAsync(
            ModelSource.FromBytes(TestAssets.MiniLmModel()),
            new UploadModelOptions { Name = "all-MiniLM-L6-v2", Progress = new SynchronousProgress<UploadProgress>(progress.Add) });
        using var vocab = new MemoryStream(TestAssets.MiniLmVocab());
        BertTokenizer tokenizer = BertTokenizer.Create(vocab);

        float[] reference = await EmbedAsync(client, model, tokenizer, "This is an example sentence");
        float[] food = await EmbedAsync(client, model, tokenizer, "A man is eating food.");
        float[] bread = await EmbedAsync(client, model, tokenizer, "A man is eating a piece of bread.");
        float[] market = await EmbedAsync(client, model, tokenizer, "The stock market fell sharply today.");

        Assert.Equal(0.0677f, reference[0], 1e-3f);
        Assert.Equal(0.0635f, reference[1], 1e-3f);
        Assert.True(Dot(food, bread) > 0.7f);
        Assert.True(Dot(food, market) < 0.2f);
        Assert.True(progress.Count > 1, "a 90 MB upload reports progress more than once");
        Assert.Equal(progress[^1].TotalBytes, progress[^1].BytesSent);
        await client.DeleteModelAsync(model.Id);
    }

    [Fact]
    public async Task ResNet18_features_equal_the_in_process_engine_and_run_by_hash_gives_the_same()
    {
        byte[] onnx = TestAssets.ResNet18();
        var random = new Random(18);
        float[] pixels = [.. Enumerable.Range(0, 3 * 224 * 224).Select(_ => (float)random.NextDouble())];
        Tensor image = Tensor.Create<float>(pixels, [1, 3, 224, 224]);

        await using BlindAIClient client = await BlindAIClient.ConnectAsync(fixture.Host.ClientOptions());
        UploadedModel model = await client.UploadModelAsync(ModelSource.FromBytes(onnx));
        Tensor remote = Assert.Single(await client.RunModelAsync(model.Id, [image]));
        Tensor byHash = Assert.Single(await client.RunModelByHashAsync(model.Hash, [image]));
        await client.DeleteModelAsync(model.Id);

        Tensor local = await RunLocallyAsync(onnx, [image]);
        Assert.Equal(local.Shape.ToArray(), remote.Shape.ToArray());
        AssertClose(local.ToArray<float>(), remote.ToArray<float>());
        Assert.Equal(remote.Data.ToArray(), byHash.Data.ToArray());
    }

    [Fact]
    public async Task Silero_VAD_chunk_with_named_inputs_equals_the_in_process_engine()
    {
        byte[] onnx = TestAssets.SileroVad();
        float[] window = [.. Enumerable.Range(0, 64 + 512).Select(i => (float)(0.3 * Math.Sin(i * 2 * Math.PI * 220 / 16000)))];
        Tensor[] inputs =
        [
            Tensor.Create<float>(new float[2 * 128], [2, 1, 128], "state"),
            Tensor.Create<long>([16000], [], "sr"),
            Tensor.Create<float>(window, [1, 576], "input"),
        ];

        await using BlindAIClient client = await BlindAIClient.ConnectAsync(fixture.Host.ClientOptions());
        UploadedModel model = await client.UploadModelAsync(ModelSource.FromBytes(onnx), new UploadModelOptions { Name = "silero" });
        IReadOnlyList<Tensor> remote = await client.RunModelAsync(model.Id, inputs);
        await client.DeleteModelAsync(model.Id);

        Tensor local = await RunLocallyAsync(onnx, inputs);
        Tensor output = remote.Single(t => t.Name == "output");
        AssertClose(local.ToArray<float>(), output.ToArray<float>());
        Assert.Equal([2L, 1L, 128L], remote.Single(t => t.Name == "stateN").Shape.ToArray());
    }

    private static async Task<float[]> EmbedAsync(BlindAIClient client, UploadedModel model, BertTokenizer tokenizer, string sentence)
    {
        long[] ids = [.. tokenizer.EncodeToIds(sentence).Select(i => (long)i)];
        long[] shape = [1, ids.Length];
        IReadOnlyList<Tensor> outputs = await client.RunModelAsync(model.Id,
        [
            Tensor.Create<long>(ids, shape, "input_ids"),
            Tensor.Create<long>([.. Enumerable.Repeat(1L, ids.Length)], shape, "attention_mask"),
            Tensor.Create<long>(new long[ids.Length], shape, "token_type_ids"),
        ]);
        float[] states = outputs.Single(o => o.Name == "last_hidden_state").ToArray<float>();
        var embedding = new float[384];
        for (int token = 0; token < ids.Length; token++)
        {
            for (int d = 0; d < 384; d++)
            {
                embedding[d] += states[(token * 384) + d] / ids.Length;
            }
        }

        float norm = MathF.Sqrt(embedding.Sum(v => v * v));
        return [.. embedding.Select(v => v / norm)];
    }

    private static async Task<Tensor> RunLocallyAsync(byte[] onnx, Tensor[] inputs)
    {
        using OnnxInferenceEngine engine = Engines.Create();
        ModelInfo info = await engine.UploadAsync(onnx);
        return (await engine.RunAsync(info.Id, inputs))[0];
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * Math.Max(1f, Math.Abs(expected[i])), $"element {i}: {expected[i]} vs {actual[i]}");
        }
    }

    private static float Dot(float[] a, float[] b) => a.Zip(b, (x, y) => x * y).Sum();

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
