using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using BlindAI.Inference.Persistence;
using BlindAI.Protocol.Tensors;
using BlindAI.Testing;

namespace BlindAI.Inference.Tests.Engine;

public sealed class MetricsTests
{
    [Fact]
    public async Task Runs_are_counted_by_outcome_and_timed()
    {
        using var meters = new TestMeterFactory();
        using var engine = new OnnxInferenceEngine(
            Microsoft.Extensions.Options.Options.Create(new InferenceEngineOptions { IntraOpThreads = 1 }),
            new InMemoryModelRepository(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<OnnxInferenceEngine>.Instance,
            TimeProvider.System,
            meters);
        ModelInfo model = await engine.UploadAsync(TestModels.MatMulAddRelu());
        var outcomes = new ConcurrentBag<string>();
        var durations = new ConcurrentBag<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Other engines in parallel tests publish the same names: listen only to the meter this engine made.
            if (instrument.Meter.Name == "BlindAI.Inference" && instrument.Meter.Scope == meters)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                outcomes.Add((string)tag.Value!);
            }
        });
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => durations.Add(value));
        listener.Start();

        await engine.RunAsync(model.Id, [Tensor.Create<float>([1, 2, 3, 4], [1, 4])]);
        await Assert.ThrowsAsync<InferenceException>(() => engine.RunAsync(model.Id, [Tensor.Create<float>([1, 2, 3], [1, 3])]));

        Assert.Equal(["invalid_input", "ok"], outcomes.Order(StringComparer.Ordinal));
        Assert.True(Assert.Single(durations) > 0);
    }

    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
