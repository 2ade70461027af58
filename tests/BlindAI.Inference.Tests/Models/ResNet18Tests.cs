using BlindAI.Protocol.Tensors;
using BlindAI.Testing;

namespace BlindAI.Inference.Tests.Models;

public sealed class ResNet18Fixture : IAsyncLifetime
{
    public OnnxInferenceEngine Engine { get; } = Engines.Create();

    public ModelInfo Model { get; private set; } = null!;

    public async Task InitializeAsync() => Model = await Engine.UploadAsync(TestAssets.ResNet18(), new ModelUploadOptions { Name = "ResNet-18" });

    public Task DisposeAsync()
    {
        Engine.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class ResNet18Tests(ResNet18Fixture fixture) : IClassFixture<ResNet18Fixture>
{
    [Fact]
    public void The_model_takes_one_224_pixel_rgb_image_and_gives_512_features()
    {
        TensorSpec input = Assert.Single(fixture.Model.Inputs);
        Assert.Equal(TensorElementType.Float32, input.ElementType);
        Assert.Equal(new long?[] { 1, 3, 224, 224 }, input.Shape!.ToArray());
        Assert.Equal(new long?[] { 1, 512, 1, 1 }, Assert.Single(fixture.Model.Outputs).Shape!.ToArray());
    }

    [Fact]
    public async Task Features_of_an_image_are_finite_non_trivial_and_identical_across_runs()
    {
        var random = new Random(20261125);
        float[] pixels = [.. Enumerable.Range(0, 3 * 224 * 224).Select(_ => (float)random.Next(256))];
        Tensor image = Tensor.Create<float>(pixels, [1, 3, 224, 224]);

        Tensor first = Assert.Single(await fixture.Engine.RunAsync(fixture.Model.Id, [image]));
        Tensor second = Assert.Single(await fixture.Engine.RunAsync(fixture.Model.Id, [image]));

        Assert.Equal([1L, 512L, 1L, 1L], first.Shape.ToArray());
        float[] features = first.ToArray<float>();
        Assert.All(features, f => Assert.True(float.IsFinite(f) && f >= 0, $"feature {f}"));
        Assert.True(features.Count(f => f > 0) > 100, "most pooled ReLU features of a textured image are positive");
        Assert.Equal(first.Data.ToArray(), second.Data.ToArray());
    }

    [Fact]
    public async Task Different_images_give_different_features()
    {
        Tensor black = Tensor.Create<float>(new float[3 * 224 * 224], [1, 3, 224, 224]);
        Tensor white = Tensor.Create<float>(Enumerable.Repeat(255f, 3 * 224 * 224).ToArray(), [1, 3, 224, 224]);

        float[] a = (await fixture.Engine.RunAsync(fixture.Model.Id, [black]))[0].ToArray<float>();
        float[] b = (await fixture.Engine.RunAsync(fixture.Model.Id, [white]))[0].ToArray<float>();

        Assert.True(a.Zip(b, (x, y) => MathF.Abs(x - y)).Max() > 0.1f);
    }

    [Fact]
    public async Task A_wrong_image_size_is_refused_before_onnx_runtime()
    {
        InferenceException e = await Assert.ThrowsAsync<InferenceException>(() =>
            fixture.Engine.RunAsync(fixture.Model.Id, [Tensor.Create<float>(new float[3 * 32 * 32], [1, 3, 32, 32])]));
        Assert.Equal((InferenceError.InvalidInput, "[1, 3, 224, 224]", "[1, 3, 32, 32]"), (e.Reason, e.Expected, e.Actual));
    }
}
