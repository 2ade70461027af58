using BlindAI.Protocol.Tensors;
using BlindAI.Testing;

namespace BlindAI.LoadTest;

/// <summary>
/// The real models and inputs of the load: Silero VAD (2.3 MB, a 36 ms chunk per run) and all-MiniLM-L6-v2 (one
/// 16-token sentence per run), and distinct copies of Silero for the upload/run/delete cycle.
/// </summary>
internal sealed class Workload
{
    private const int MiniLmTokens = 16;

    private Workload(byte[] silero, byte[] miniLm)
    {
        Silero = silero;
        MiniLm = miniLm;
        var random = new Random(576);
        SileroInputs =
        [
            Tensor.Create<float>(Enumerable.Range(0, 576).Select(_ => (float)((random.NextDouble() * 0.2) - 0.1)).ToArray(), [1, 576], "input"),
            Tensor.Create<float>(new float[2 * 128], [2, 1, 128], "state"),
            Tensor.Create<long>([16000], [], "sr"),
        ];
        long[] ids = [101, .. Enumerable.Range(0, MiniLmTokens - 2).Select(_ => (long)random.Next(1000, 30000)), 102];
        long[] shape = [1, MiniLmTokens];
        MiniLmInputs =
        [
            Tensor.Create<long>(ids, shape, "input_ids"),
            Tensor.Create<long>(Enumerable.Repeat(1L, MiniLmTokens).ToArray(), shape, "attention_mask"),
            Tensor.Create<long>(new long[MiniLmTokens], shape, "token_type_ids"),
        ];
    }

    public byte[] Silero { get; }

    public byte[] MiniLm { get; }

    public Tensor[] SileroInputs { get; }

    public Tensor[] MiniLmInputs { get; }

    /// <summary>Loads the pinned models (checked against their SHA-256).</summary>
    public static Workload Load() => new(TestAssets.SileroVad(), TestAssets.MiniLmModel());

    /// <summary>Silero under a new SHA-256, so the host loads a session of its own for it (deleting it frees that session).</summary>
    public byte[] DistinctSilero(int client, long iteration) => ModelCopies.WithDocString(Silero, $"blindai load test copy {client}/{iteration}");
}
