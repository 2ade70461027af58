using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using BlindAI.Client.Models;
using BlindAI.Testing;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Client.Tests.EndToEnd;

/// <summary>The client's spans and instruments, under their public name, and what they must never carry.</summary>
[Collection(HostCollection.Name)]
public sealed class TelemetryTests(HostFixture fixture)
{
    private const string TestSourceName = "BlindAI.Client.Tests.Telemetry";

    [Fact]
    public async Task Connect_attest_upload_run_and_delete_are_spans_and_no_tag_carries_a_model_or_tensor_byte()
    {
        var spans = new ConcurrentQueue<Activity>();
        var measurements = new ConcurrentQueue<(string Instrument, IReadOnlyList<KeyValuePair<string, object?>> Tags)>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name is BlindAIClient.DiagnosticsName or TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(activities);
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == BlindAIClient.DiagnosticsName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, _, tags, _) => measurements.Enqueue((instrument.Name, tags.ToArray())));
        meters.SetMeasurementEventCallback<double>((instrument, _, tags, _) => measurements.Enqueue((instrument.Name, tags.ToArray())));
        meters.Start();

        // Distinctive payloads: a model and a tensor whose bytes would be recognisable in any rendering of a tag.
        byte[] model = TestModels.Identity(TestModels.Float);
        float[] values = [1234.5678f, 8765.4321f, 1357.9753f, 2468.8642f];
        byte[] tensorBytes = Tensor.Create<float>(values, [4], "X").Data.ToArray();

        // Other tests connect in parallel: this test's spans are the ones under its own root.
        using var testSource = new ActivitySource(TestSourceName);
        ActivityTraceId trace;
        using (Activity root = testSource.StartActivity("telemetry test")!)
        {
            trace = root.TraceId;
            await RunEverythingAsync(model, values);
        }

        meters.RecordObservableInstruments();
        Activity[] ours = [.. spans.Where(a => a.Source.Name == BlindAIClient.DiagnosticsName && a.TraceId == trace)];

        Assert.Equal(["attest", "connect", "upload", "run", "delete"], ours.Select(a => a.OperationName).Distinct());
        Activity connect = Assert.Single(ours, a => a.OperationName == "connect");
        Activity attest = Assert.Single(ours, a => a.OperationName == "attest");
        Assert.Equal(connect.SpanId, attest.ParentSpanId);
        Assert.Equal("UpToDate", connect.GetTagItem("blindai.tcb_status"));
        Assert.Equal(true, connect.GetTagItem("blindai.fresh_evidence"));
        Assert.Equal("127.0.0.1", connect.GetTagItem("server.address"));
        Assert.All(ours, a => Assert.Equal(ActivityStatusCode.Unset, a.Status));
        Assert.Contains(measurements, m => m.Instrument == "blindai.client.attestations");
        Assert.Contains(measurements, m => m.Instrument == "blindai.client.request.duration");
        Assert.Contains(measurements, m => m.Instrument == "blindai.client.uploaded_bytes");

        string[] forbidden = [.. Renderings(model), .. Renderings(tensorBytes), .. values.Select(v => v.ToString(CultureInfo.InvariantCulture))];
        IEnumerable<object?> tagValues = ours.SelectMany(a => a.TagObjects.Select(t => t.Value))
            .Concat(measurements.SelectMany(m => m.Tags.Select(t => t.Value)));
        foreach (object? value in tagValues)
        {
            Assert.False(value is byte[] or ReadOnlyMemory<byte> or Memory<byte> or Array, $"a tag carries binary or array data: {value?.GetType()}");
            string text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
            Assert.DoesNotContain(forbidden, f => text.Contains(f, StringComparison.OrdinalIgnoreCase));
        }
    }

    private async Task RunEverythingAsync(byte[] model, float[] values)
    {
        await using BlindAIClient client = await BlindAIClient.ConnectAsync(fixture.Host.ClientOptions());
        UploadedModel uploaded = await client.UploadModelAsync(ModelSource.FromBytes(model));
        await client.RunModelAsync(uploaded.Id, [Tensor.Create<float>(values, [4], "X")]);
        await client.DeleteModelAsync(uploaded.Id);
    }

    /// <summary>Hex and base64 of every 8-byte window: a tag holding any piece of the payload contains one of them.</summary>
    private static IEnumerable<string> Renderings(byte[] payload)
    {
        for (int i = 0; i + 8 <= payload.Length; i += 4)
        {
            byte[] window = payload[i..(i + 8)];
            yield return Convert.ToHexString(window);
            yield return Convert.ToBase64String(window)[..8];
        }
    }
}
