using System.Diagnostics;
using System.Diagnostics.Metrics;
using BlindAI.Inference;

namespace BlindAI.Server.Diagnostics;

/// <summary>
/// The server's instruments (meter <see cref="BlindAIServerTelemetry.MeterName"/>): requests by route and outcome,
/// inference duration as the client sees it, models loaded, attestation requests; and its spans (activity source
/// <see cref="BlindAIServerTelemetry.ActivitySourceName"/>). The engine adds its own (meter <c>BlindAI.Inference</c>).
/// </summary>
internal sealed class HostMetrics
{
    /// <summary>The server's spans. Static, as <see cref="ActivitySource"/>s are meant to be: listeners find it by name.</summary>
    private static readonly ActivitySource Source = new(BlindAIServerTelemetry.ActivitySourceName, typeof(HostMetrics).Assembly.GetName().Version?.ToString());

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _inferenceDuration;
    private readonly Counter<long> _attestationRequests;

    public HostMetrics(IMeterFactory meterFactory, IInferenceEngine engine)
    {
        Meter meter = meterFactory.Create(BlindAIServerTelemetry.MeterName);
        _requests = meter.CreateCounter<long>("blindai.server.requests", "{request}", "Requests handled, by route and outcome.");
        _inferenceDuration = meter.CreateHistogram<double>("blindai.server.inference.duration", "s", "Time to serve POST /run, decoding and encoding included.");
        _attestationRequests = meter.CreateCounter<long>("blindai.server.attestation.requests", "{request}", "Certificate, quote, collateral and fresh evidence requests.");
        meter.CreateObservableGauge("blindai.server.models.loaded", () => engine.ListModels().Count, "{model}", "Models loaded.");
    }

    /// <summary>Counts a finished request; <paramref name="outcome"/> is <c>ok</c> or a problem code name.</summary>
    public void RecordRequest(string route, string outcome) =>
        _requests.Add(1, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("outcome", outcome));

    public void RecordInference(TimeSpan elapsed, string outcome) =>
        _inferenceDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Counts an attestation request and starts its span (dispose it when the request ends).</summary>
    /// <param name="kind"><c>certificate</c>, <c>quote</c>, <c>collateral</c> or <c>evidence</c>.</param>
    public Activity? StartAttestation(string kind)
    {
        _attestationRequests.Add(1, new KeyValuePair<string, object?>("kind", kind));
        return Source.StartActivity("blindai.server.attest")?.SetTag("blindai.evidence.kind", kind);
    }

    /// <summary>Starts the span of <c>/run</c>, <c>/upload</c> or <c>/delete</c>; the caller tags identifiers and the outcome, never payloads.</summary>
    /// <param name="operation"><c>run</c>, <c>upload</c> or <c>delete</c>.</param>
    public static Activity? StartModelOperation(string operation) => Source.StartActivity("blindai.server." + operation);
}
