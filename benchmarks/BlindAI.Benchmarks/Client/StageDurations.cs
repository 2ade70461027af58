using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace BlindAI.Benchmarks.Client;

/// <summary>
/// Collects the duration histograms the stack already publishes (the client's request, ASP.NET Core's server request,
/// the host's <c>/run</c> endpoint, the engine's ONNX Runtime call) while it is on, and prints their medians: where a
/// client call's time goes, stage by stage, without instrumenting the code under test.
/// </summary>
internal sealed class StageDurations : IDisposable
{
    private static readonly string[] Instruments =
    [
        "blindai.client.request.duration", "http.client.request.duration", "http.server.request.duration",
        "blindai.server.inference.duration", "blindai.inference.run.duration",
    ];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _values = new();

    public StageDurations()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (Instruments.Contains(instrument.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => _values.GetOrAdd(instrument.Name, _ => []).Add(value));
        _listener.Start();
    }

    /// <summary>Forgets what was collected so far (the warm-up).</summary>
    public void Reset() => _values.Clear();

    /// <summary>One line per instrument, in call order: median and count, in microseconds.</summary>
    public override string ToString() => string.Join(Environment.NewLine, Instruments
        .Where(_values.ContainsKey)
        .Select(name =>
        {
            double[] sorted = [.. _values[name].Order()];
            return string.Create(CultureInfo.InvariantCulture, $"  {name}: median {sorted[sorted.Length / 2] * 1e6:F1} µs over {sorted.Length}");
        }));

    public void Dispose() => _listener.Dispose();
}
