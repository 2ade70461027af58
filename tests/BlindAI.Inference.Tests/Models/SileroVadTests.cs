using BlindAI.Protocol.Tensors;
using BlindAI.Testing;

namespace BlindAI.Inference.Tests.Models;

public sealed class SileroVadFixture : IAsyncLifetime
{
    public const int Chunk = 512, Context = 64, SampleRate = 16000;

    public OnnxInferenceEngine Engine { get; } = Engines.Create();

    public ModelInfo Model { get; private set; } = null!;

    public async Task InitializeAsync() => Model = await Engine.UploadAsync(TestAssets.SileroVad(), new ModelUploadOptions { Name = "Silero VAD v5" });

    public Task DisposeAsync()
    {
        Engine.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Runs the detector over consecutive chunks, each prefixed by the last 64 samples before it and fed the previous state.</summary>
    public async Task<(float[] Probabilities, Tensor State)> StreamAsync(float[] audio, Tensor? state = null)
    {
        state ??= Tensor.Create<float>(new float[2 * 128], [2, 1, 128], "state");
        Tensor rate = Tensor.Create<long>([SampleRate], [], "sr");
        var probabilities = new List<float>();
        var window = new float[Context + Chunk];
        for (int start = 0; start + Chunk <= audio.Length; start += Chunk)
        {
            Array.Copy(window, Chunk, window, 0, Context);
            Array.Copy(audio, start, window, Context, Chunk);
            IReadOnlyList<Tensor> outputs = await Engine.RunAsync(Model.Id, [Tensor.Create<float>(window, [1, Context + Chunk], "input"), state, rate]);
            Tensor output = outputs.Single(o => o.Name == "output");
            Assert.Equal([1L, 1L], output.Shape.ToArray());
            probabilities.Add(output.ToArray<float>()[0]);
            state = outputs.Single(o => o.Name == "stateN").WithName("state");
        }

        return ([.. probabilities], state);
    }
}

public sealed class SileroVadTests(SileroVadFixture fixture) : IClassFixture<SileroVadFixture>
{
    [Fact]
    public void The_model_takes_audio_a_recurrent_state_and_the_sample_rate()
    {
        Assert.Equal(["input", "state", "sr"], fixture.Model.Inputs.Select(i => i.Name));
        Assert.Equal(new long?[] { 2, null, 128 }, fixture.Model.Inputs[1].Shape!.ToArray());
        Assert.Equal((TensorElementType.Int64, 0), (fixture.Model.Inputs[2].ElementType, fixture.Model.Inputs[2].Shape!.Count));
    }

    [Fact]
    public async Task Probabilities_stay_within_0_and_1_and_the_state_carries_across_chunks()
    {
        float[] audio = SpeechLike(seconds: 1.0);

        (float[] probabilities, Tensor finalState) = await fixture.StreamAsync(audio);

        Assert.Equal(31, probabilities.Length);
        Assert.All(probabilities, p => Assert.InRange(p, 0f, 1f));
        Assert.Equal([2L, 1L, 128L], finalState.Shape.ToArray());
        Assert.Contains(finalState.ToArray<float>(), v => v != 0);

        // The same audio continued from the carried state differs from a fresh start: the state is really used.
        (float[] continued, _) = await fixture.StreamAsync(audio, finalState);
        Assert.NotEqual(probabilities, continued);
    }

    [Fact]
    public async Task Silence_scores_lower_than_a_voiced_signal()
    {
        (float[] silence, _) = await fixture.StreamAsync(new float[SileroVadFixture.SampleRate]);
        (float[] voiced, _) = await fixture.StreamAsync(SpeechLike(seconds: 1.0));

        Assert.True(silence.Max() < 0.5f, $"silence peaked at {silence.Max()}");
        Assert.True(voiced.Average() > silence.Average(), $"voiced {voiced.Average()} vs silence {silence.Average()}");
    }

    [Fact]
    public async Task Streaming_is_deterministic()
    {
        float[] audio = SpeechLike(seconds: 0.5);
        (float[] a, Tensor stateA) = await fixture.StreamAsync(audio);
        (float[] b, Tensor stateB) = await fixture.StreamAsync(audio);
        Assert.Equal(a, b);
        Assert.Equal(stateA.Data.ToArray(), stateB.Data.ToArray());
    }

    /// <summary>A vowel-like signal: a 140 Hz glottal pulse train with formant-like harmonics, syllable-rate amplitude modulation.</summary>
    private static float[] SpeechLike(double seconds)
    {
        int n = (int)(seconds * SileroVadFixture.SampleRate);
        var samples = new float[n];
        for (int i = 0; i < n; i++)
        {
            double t = (double)i / SileroVadFixture.SampleRate;
            double f0 = 140 + (20 * Math.Sin(2 * Math.PI * 3 * t));
            double voice = 0;
            for (int h = 1; h <= 20; h++)
            {
                double frequency = h * f0;
                double formants = Math.Exp(-Math.Pow((frequency - 700) / 150, 2)) + (0.6 * Math.Exp(-Math.Pow((frequency - 1200) / 200, 2))) + (0.3 * Math.Exp(-Math.Pow((frequency - 2500) / 300, 2)));
                voice += (formants + 0.02) * Math.Sin(2 * Math.PI * frequency * t);
            }

            double syllables = 0.6 + (0.4 * Math.Sin(2 * Math.PI * 4 * t));
            samples[i] = (float)(0.3 * syllables * voice / 3);
        }

        return samples;
    }
}
