using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace BlindAI.SampleHost.Tests.Support;

/// <summary>The <c>blindai.server.requests</c> measurements (route, outcome) of one host, as the server itself counted them.</summary>
internal sealed class RequestOutcomes : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly SemaphoreSlim _recorded = new(0);

    public RequestOutcomes(RunningHost host)
    {
        IMeterFactory factory = host.App.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this host's meter: other hosts of parallel tests publish the same instrument names.
            if (instrument.Name == "blindai.server.requests" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? route = null, outcome = null;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                route = tag.Key == "route" ? tag.Value as string : route;
                outcome = tag.Key == "outcome" ? tag.Value as string : outcome;
            }

            Recorded.Enqueue((route ?? string.Empty, outcome ?? string.Empty));
            _recorded.Release();
        });
        _listener.Start();
    }

    public ConcurrentQueue<(string Route, string Outcome)> Recorded { get; } = new();

    /// <summary>Waits until the host has counted a request of <paramref name="route"/> with <paramref name="outcome"/>.</summary>
    public async Task WaitForAsync(string route, string outcome, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!Recorded.Contains((route, outcome)))
        {
            try
            {
                await _recorded.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"The host did not count a {route} request as '{outcome}' within {timeout.TotalSeconds} s; it counted: {string.Join(", ", Recorded)}");
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}
