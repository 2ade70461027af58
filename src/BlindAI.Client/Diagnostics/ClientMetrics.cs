using System.Diagnostics.Metrics;

namespace BlindAI.Client.Diagnostics;

/// <summary>The client's instruments on the <c>BlindAI.Client</c> meter.</summary>
internal sealed class ClientMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "BlindAI.Client";

    private static readonly Lazy<ClientMetrics> Shared = new(() => new ClientMetrics(null));

    private readonly Counter<long> _attestations;
    private readonly Histogram<double> _connectDuration;
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _uploadedBytes;

    public ClientMetrics(IMeterFactory? meterFactory)
    {
        Meter meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _attestations = meter.CreateCounter<long>("blindai.client.attestations", description: "Attestations, by outcome.");
        _connectDuration = meter.CreateHistogram<double>("blindai.client.connect.duration", "s", "Time to attest a server and pin its key.");
        _requestDuration = meter.CreateHistogram<double>("blindai.client.request.duration", "s", "Duration of upload, run and delete requests.");
        _uploadedBytes = meter.CreateCounter<long>("blindai.client.uploaded_bytes", "By", "Model bytes uploaded.");
    }

    public static ClientMetrics Default => Shared.Value;

    public void Attestation(string outcome, double seconds)
    {
        _attestations.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        if (outcome == "verified")
        {
            _connectDuration.Record(seconds);
        }
    }

    public void Request(string operation, double seconds, bool success) =>
        _requestDuration.Record(seconds, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("success", success));

    public void Uploaded(long bytes) => _uploadedBytes.Add(bytes);
}
