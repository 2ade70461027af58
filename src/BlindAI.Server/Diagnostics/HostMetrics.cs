using System.Diagnostics.Metrics;
using BlindAI.Inference;

namespace BlindAI.Server.Diagnostics;

/// <summary>
/// The host's instruments (meter <c>BlindAI.SampleHost</c>): requests by route and outcome, inference duration as the
/// client sees it, models loaded, attestation requests. The engine adds its own (meter <c>BlindAI.Inference</c>).
/// </summary>
internal sealed class HostMetrics
{
    public const string MeterName = "BlindAI.SampleHost";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _inferenceDuration;
    private readonly Counter<long> _attestationRequests;

    public HostMetrics(IMeterFactory meterFactory, IInferenceEngine engine)
    {
        Meter meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("blindai.host.requests", "{request}", "Requests handled, by route and outcome.");
        _inferenceDuration = meter.CreateHistogram<double>("blindai.host.inference.duration", "s", "Time to serve POST /run, decoding and encoding included.");
        _attestationRequests = meter.CreateCounter<long>("blindai.host.attestation.requests", "{request}", "Certificate, quote, collateral and fresh evidence requests.");
        meter.CreateObservableGauge("blindai.host.models.loaded", () => engine.ListModels().Count, "{model}", "Models loaded.");
    }

    /// <summary>Counts a finished request; <paramref name="outcome"/> is <c>ok</c> or a problem code name.</summary>
    public void RecordRequest(string route, string outcome) =>
        _requests.Add(1, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("outcome", outcome));

    public void RecordInference(TimeSpan elapsed, string outcome) =>
        _inferenceDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));

    public void RecordAttestation(string kind) =>
        _attestationRequests.Add(1, new KeyValuePair<string, object?>("kind", kind));
}
