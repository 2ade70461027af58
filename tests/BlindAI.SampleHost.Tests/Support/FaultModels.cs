using BlindAI.Protocol.Tensors;
using BlindAI.Testing;

namespace BlindAI.SampleHost.Tests.Support;

/// <summary>Real models and inputs for the fault tests.</summary>
internal static class FaultModels
{
    private static readonly Lazy<byte[]> SileroBytes = new(TestAssets.SileroVad);

    /// <summary>Silero VAD v5 (2.3 MB), the pinned real model.</summary>
    public static byte[] Silero => SileroBytes.Value;

    /// <summary>The same network under a new SHA-256 (see <see cref="ModelCopies.WithDocString"/>).</summary>
    public static byte[] Distinct(byte[] model, string tag) => ModelCopies.WithDocString(model, tag);

    /// <summary>One 36 ms chunk of a 220 Hz tone with Silero's recurrent state and sample rate.</summary>
    public static Tensor[] SileroInputs() =>
    [
        Tensor.Create<float>([.. Enumerable.Range(0, 576).Select(i => (float)(0.3 * Math.Sin(i * 2 * Math.PI * 220 / 16000)))], [1, 576], "input"),
        Tensor.Create<float>(new float[2 * 128], [2, 1, 128], "state"),
        Tensor.Create<long>([16000], [], "sr"),
    ];

    /// <summary>Asserts two output lists are equal bit for bit (names, types, shapes, bytes).</summary>
    public static void AssertIdentical(IReadOnlyList<Tensor> expected, IReadOnlyList<Tensor> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Name, actual[i].Name);
            Assert.Equal(expected[i].ElementType, actual[i].ElementType);
            Assert.Equal(expected[i].Shape.ToArray(), actual[i].Shape.ToArray());
            Assert.True(expected[i].Data.Span.SequenceEqual(actual[i].Data.Span), $"output {expected[i].Name} differs");
        }
    }
}
