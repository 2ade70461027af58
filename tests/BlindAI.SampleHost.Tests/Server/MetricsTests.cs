using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using BlindAI.Protocol;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;
using BlindAI.SampleHost.Tests.Support;
using BlindAI.Testing;

namespace BlindAI.SampleHost.Tests.Server;

/// <summary>The host's instruments record requests by route and outcome, inference time, attestation requests and loaded models.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Requests_inference_attestation_and_models_are_measured()
    {
        var measurements = new ConcurrentBag<(string Instrument, double Value, Dictionary<string, string?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BlindAI.Server.BlindAIServerTelemetry.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Add((i.Name, v, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Add((i.Name, v, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => measurements.Add((i.Name, v, ToDictionary(tags))));
        listener.Start();

        await using RunningHost host = await RunningHost.StartAsync();
        SendModelReply uploaded = await Wire.UploadAsync(host.Management, TestModels.Subtract());
        await Wire.RunAsync(host.Attested, ModelReference.ById(uploaded.ModelId), Tensor.Create<float>([1, 2, 3, 4, 5, 6], [2, 3]), Tensor.Create<float>([1, 2, 3, 4, 5, 6], [2, 3]));
        using HttpResponseMessage unknown = await host.Attested.SendAsync(RunningHost.Post(ProtocolRoutes.Run, Wire.Run(ModelReference.ById(ModelId.NewId()), Tensor.Create<float>([1f], [1]))));
        await host.Untrusted.GetAsync("/quote");
        listener.RecordObservableInstruments();

        Assert.Contains(measurements, m => m.Instrument == "blindai.server.requests" && m.Tags["route"] == "/run" && m.Tags["outcome"] == "ok");
        Assert.Contains(measurements, m => m.Instrument == "blindai.server.requests" && m.Tags["route"] == "/run" && m.Tags["outcome"] == "unknown-model");
        Assert.Contains(measurements, m => m.Instrument == "blindai.server.requests" && m.Tags["route"] == "/upload" && m.Tags["outcome"] == "ok");
        Assert.Contains(measurements, m => m.Instrument == "blindai.server.inference.duration" && m.Tags["outcome"] == "ok" && m.Value > 0);
        Assert.Contains(measurements, m => m.Instrument == "blindai.server.attestation.requests" && m.Tags["kind"] == "quote");
        Assert.Contains(measurements, m => m.Instrument == "blindai.server.models.loaded" && m.Value >= 1);
    }

    private static Dictionary<string, string?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            result[tag.Key] = tag.Value?.ToString();
        }

        return result;
    }
}
