using System.Diagnostics.Metrics;

namespace BlindAI.Inference.Runtime;

/// <summary>The engine's instruments (meter <c>BlindAI.Inference</c>). Recording costs next to nothing when nobody listens.</summary>
internal sealed class InferenceMetrics : IDisposable
{
    public const string MeterName = "BlindAI.Inference";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public InferenceMetrics(IMeterFactory? meterFactory, Func<int> loadedModels)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        Runs = _meter.CreateCounter<long>("blindai.inference.runs", "{run}", "Runs finished, tagged by outcome.");
        RunDuration = _meter.CreateHistogram<double>("blindai.inference.run.duration", "s", "Time spent in ONNX Runtime per successful run.");
        _meter.CreateObservableGauge("blindai.inference.models", loadedModels, "{model}", "Model ids loaded.");
    }

    public Counter<long> Runs { get; }

    public Histogram<double> RunDuration { get; }

    public void RecordOutcome(string outcome) => Runs.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
