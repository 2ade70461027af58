using BlindAI.Protocol.Tensors;
using BlindAI.Testing;

namespace BlindAI.Inference.Tests.Engine;

/// <summary>Inputs are matched and checked against the model before ONNX Runtime sees them.</summary>
public sealed class ValidationTests : IAsyncLifetime
{
    private readonly OnnxInferenceEngine _engine = Engines.Create(o => o.MaxRequestBytes = 1024);
    private Guid _subtract;
    private Guid _tiny;

    public async Task InitializeAsync()
    {
        _subtract = (await _engine.UploadAsync(TestModels.Subtract())).Id;
        _tiny = (await _engine.UploadAsync(TestModels.MatMulAddRelu())).Id;
    }

    public Task DisposeAsync()
    {
        _engine.Dispose();
        return Task.CompletedTask;
    }

    private static Tensor A(string? name = "A") => Tensor.Create<float>([10, 20, 30, 40, 50, 60], [2, 3], name);

    private static Tensor B(string? name = "B") => Tensor.Create<float>([1, 2, 3, 4, 5, 6], [2, 3], name);

    private static readonly float[] Difference = [9, 18, 27, 36, 45, 54];

    [Fact]
    public async Task Named_inputs_are_matched_by_name_in_any_order()
    {
        IReadOnlyList<Tensor> outputs = await _engine.RunAsync(_subtract, [B(), A()]);
        Tensor c = Assert.Single(outputs);
        Assert.Equal("C", c.Name);
        Assert.Equal(TensorElementType.Float32, c.ElementType);
        Assert.Equal([2L, 3L], c.Shape.ToArray());
        Assert.Equal(Difference, c.ToArray<float>());
    }

    [Fact]
    public async Task Unnamed_inputs_fill_the_model_inputs_in_order()
    {
        IReadOnlyList<Tensor> outputs = await _engine.RunAsync(_subtract, [A(null), B(null)]);
        Assert.Equal(Difference, outputs[0].ToArray<float>());
    }

    [Fact]
    public async Task Unnamed_inputs_fill_the_inputs_that_named_ones_left()
    {
        IReadOnlyList<Tensor> outputs = await _engine.RunAsync(_subtract, [A(null), B("B")]);
        Assert.Equal(Difference, outputs[0].ToArray<float>());
        outputs = await _engine.RunAsync(_subtract, [B(null), A("A")]);
        Assert.Equal(Difference, outputs[0].ToArray<float>());
    }

    [Fact]
    public async Task A_missing_input_is_named_in_the_error()
    {
        InferenceException e = await Invalid(_subtract, [A()]);
        Assert.Equal("B", e.InputName);
        Assert.Equal("missing", e.Actual);
    }

    [Fact]
    public async Task An_extra_input_is_refused()
    {
        InferenceException e = await Invalid(_subtract, [A(), B(), B(null)]);
        Assert.Equal("3 tensors", e.Actual);
    }

    [Fact]
    public async Task An_extra_positional_input_after_named_ones_is_refused()
    {
        InferenceException e = await Invalid(_tiny, [Tensor.Create<float>([1, 2, 3, 4], [1, 4], "X"), Tensor.Create<float>([1, 2, 3, 4], [1, 4])]);
        Assert.Equal("2 tensors", e.Actual);
    }

    [Fact]
    public async Task An_unknown_name_is_refused_with_the_model_input_names()
    {
        InferenceException e = await Invalid(_subtract, [A(), B("b")]);
        Assert.Equal("b", e.InputName);
        Assert.Equal("A, B", e.Expected);
    }

    [Fact]
    public async Task A_name_given_twice_is_refused()
    {
        InferenceException e = await Invalid(_subtract, [A(), A()]);
        Assert.Equal("A", e.InputName);
    }

    [Fact]
    public async Task A_wrong_element_type_is_refused_with_expected_and_actual()
    {
        InferenceException e = await Invalid(_subtract, [A(), Tensor.Create<double>([1, 2, 3, 4, 5, 6], [2, 3], "B")]);
        Assert.Equal(("B", "Float32", "Float64"), (e.InputName, e.Expected, e.Actual));
    }

    [Fact]
    public async Task A_wrong_rank_is_refused()
    {
        InferenceException e = await Invalid(_subtract, [A(), Tensor.Create<float>([1, 2, 3, 4, 5, 6], [6], "B")]);
        Assert.Equal(("B", "[2, 3]", "[6]"), (e.InputName, e.Expected, e.Actual));
    }

    [Fact]
    public async Task A_wrong_fixed_dimension_is_refused()
    {
        InferenceException e = await Invalid(_subtract, [A(), Tensor.Create<float>([1, 2, 3, 4, 5, 6], [3, 2], "B")]);
        Assert.Equal(("B", "[2, 3]", "[3, 2]"), (e.InputName, e.Expected, e.Actual));
    }

    [Fact]
    public async Task A_symbolic_dimension_accepts_any_size_but_fixed_ones_still_apply()
    {
        IReadOnlyList<Tensor> outputs = await _engine.RunAsync(_tiny, [Tensor.Create<float>(new float[12], [3, 4])]);
        Assert.Equal([3L, 3L], outputs[0].Shape.ToArray());
        outputs = await _engine.RunAsync(_tiny, [Tensor.Create<float>([], [0, 4])]);
        Assert.Equal([0L, 3L], outputs[0].Shape.ToArray());
        InferenceException e = await Invalid(_tiny, [Tensor.Create<float>(new float[10], [2, 5])]);
        Assert.Equal(("X", "[?, 4]", "[2, 5]"), (e.InputName, e.Expected, e.Actual));
    }

    [Fact]
    public async Task A_null_tensor_is_refused()
    {
        InferenceException e = await Invalid(_subtract, [A(), null!]);
        Assert.Equal("#1", e.InputName);
    }

    [Fact]
    public async Task Inputs_over_the_request_limit_are_refused()
    {
        InferenceException e = await Assert.ThrowsAsync<InferenceException>(() => _engine.RunAsync(_tiny, [Tensor.Create<float>(new float[260], [65, 4])]));
        Assert.Equal(InferenceError.RequestTooLarge, e.Reason);
    }

    [Fact]
    public async Task An_unknown_model_id_is_refused()
    {
        InferenceException e = await Assert.ThrowsAsync<InferenceException>(() => _engine.RunAsync(Guid.NewGuid(), [A(), B()]));
        Assert.Equal(InferenceError.UnknownModel, e.Reason);
    }

    [Fact]
    public async Task A_model_input_without_a_declared_shape_accepts_any_rank()
    {
        Guid anyRank = (await _engine.UploadAsync(TestModels.Identity(TestModels.Float, declareShape: false))).Id;
        Assert.True(_engine.TryGetModel(anyRank, out ModelInfo? info));
        Assert.Null(info.Inputs[0].Shape);
        IReadOnlyList<Tensor> outputs = await _engine.RunAsync(anyRank, [Tensor.Create<float>(new float[8], [2, 2, 2])]);
        Assert.Equal([2L, 2L, 2L], outputs[0].Shape.ToArray());
    }

    [Fact]
    public async Task A_failure_inside_onnx_runtime_is_a_run_failure()
    {
        // The target shape is data, so only ONNX Runtime can see that 6 elements do not fit [4, 4].
        Guid reshape = (await _engine.UploadAsync(TestModels.Reshape())).Id;
        InferenceException e = await Assert.ThrowsAsync<InferenceException>(() =>
            _engine.RunAsync(reshape, [Tensor.Create<float>(new float[6], [6]), Tensor.Create<long>([4, 4], [2])]));
        Assert.Equal(InferenceError.RunFailed, e.Reason);

        IReadOnlyList<Tensor> outputs = await _engine.RunAsync(reshape, [Tensor.Create<float>(new float[6], [6]), Tensor.Create<long>([3, 2], [2])]);
        Assert.Equal([3L, 2L], outputs[0].Shape.ToArray());
    }

    private async Task<InferenceException> Invalid(Guid model, Tensor[] inputs)
    {
        InferenceException e = await Assert.ThrowsAsync<InferenceException>(() => _engine.RunAsync(model, inputs));
        Assert.Equal(InferenceError.InvalidInput, e.Reason);
        return e;
    }
}
