using BlindAI.Protocol.Tensors;
using BlindAI.Testing;
using Microsoft.ML.Tokenizers;

namespace BlindAI.Inference.Tests.Models;

/// <summary>Loads all-MiniLM-L6-v2 and its tokenizer once for the class.</summary>
public sealed class MiniLmFixture : IAsyncLifetime
{
    public OnnxInferenceEngine Engine { get; } = Engines.Create();

    public ModelInfo Model { get; private set; } = null!;

    public BertTokenizer Tokenizer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var vocab = new MemoryStream(TestAssets.MiniLmVocab());
        Tokenizer = BertTokenizer.Create(vocab);
        Model = await Engine.UploadAsync(TestAssets.MiniLmModel(), new ModelUploadOptions { Name = "all-MiniLM-L6-v2" });
    }

    public Task DisposeAsync()
    {
        Engine.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The sentence embedding: token states mean-pooled over the attention mask, then L2-normalised.</summary>
    public async Task<float[]> EmbedAsync(string sentence)
    {
        long[] ids = [.. Tokenizer.EncodeToIds(sentence).Select(i => (long)i)];
        long[] shape = [1, ids.Length];
        IReadOnlyList<Tensor> outputs = await Engine.RunAsync(Model.Id,
        [
            Tensor.Create<long>(ids, shape, "input_ids"),
            Tensor.Create<long>(Enumerable.Repeat(1L, ids.Length).ToArray(), shape, "attention_mask"),
            Tensor.Create<long>(new long[ids.Length], shape, "token_type_ids"),
        ]);
        Tensor hidden = outputs.Single(o => o.Name == "last_hidden_state");
        Assert.Equal([1L, ids.Length, 384L], hidden.Shape.ToArray());
        float[] states = hidden.ToArray<float>();
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
}

public sealed class MiniLmTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    [Fact]
    public void The_model_declares_three_int64_inputs_with_symbolic_batch_and_sequence()
    {
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], fixture.Model.Inputs.Select(i => i.Name));
        Assert.All(fixture.Model.Inputs, i => Assert.Equal((TensorElementType.Int64, 2, true), (i.ElementType, i.Shape!.Count, i.Shape.All(d => d is null))));
        Assert.Equal("last_hidden_state", fixture.Model.Outputs[0].Name);
    }

    [Fact]
    public void The_tokenizer_gives_the_reference_word_pieces()
    {
        Assert.Equal([101, 2023, 2003, 2019, 2742, 6251, 102], fixture.Tokenizer.EncodeToIds("This is an example sentence"));
    }

    [Fact]
    public async Task The_embedding_of_the_reference_sentence_matches_all_MiniLM_L6_v2()
    {
        float[] embedding = await fixture.EmbedAsync("This is an example sentence");

        Assert.Equal(384, embedding.Length);
        Assert.Equal(0.0677f, embedding[0], 1e-3f);
        Assert.Equal(0.0635f, embedding[1], 1e-3f);
        Assert.Equal(0.0487f, embedding[2], 1e-3f);
    }

    [Fact]
    public async Task Similar_sentences_are_close_and_unrelated_ones_are_not()
    {
        float[] food = await fixture.EmbedAsync("A man is eating food.");
        float[] bread = await fixture.EmbedAsync("A man is eating a piece of bread.");
        float[] market = await fixture.EmbedAsync("The stock market fell sharply today.");

        Assert.True(Cosine(food, bread) > 0.7f, $"cos(food, bread) = {Cosine(food, bread)}");
        Assert.True(Cosine(food, market) < 0.2f, $"cos(food, market) = {Cosine(food, market)}");
        Assert.True(Cosine(bread, market) < 0.2f, $"cos(bread, market) = {Cosine(bread, market)}");
    }

    [Fact]
    public async Task A_batch_of_128_tokens_runs_with_the_sequence_length_checked_across_inputs_by_onnx_runtime()
    {
        long[] shape = [1, 128];
        long[] ids = [101, .. Enumerable.Range(0, 126).Select(i => 2000L + i), 102];
        IReadOnlyList<Tensor> outputs = await fixture.Engine.RunAsync(fixture.Model.Id,
        [
            Tensor.Create<long>(ids, shape),
            Tensor.Create<long>(Enumerable.Repeat(1L, 128).ToArray(), shape),
            Tensor.Create<long>(new long[128], shape),
        ]);
        Assert.Equal([1L, 128L, 384L], outputs[0].Shape.ToArray());
        Assert.All(outputs[0].ToArray<float>(), v => Assert.True(float.IsFinite(v)));
    }

    private static float Cosine(float[] a, float[] b) => a.Zip(b, (x, y) => x * y).Sum();
}
