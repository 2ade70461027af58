using System.Net;
using BlindAI.Client.Errors;
using BlindAI.Client.Models;
using BlindAI.Testing;
using BlindAI.Protocol.Problems;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Client.Tests.EndToEnd;

/// <summary>A busy server's <c>Retry-After</c> reaches the caller.</summary>
public sealed class RetryAfterTests
{
    private const int Size = 256;

    [Fact]
    public async Task A_busy_server_s_retry_after_is_on_the_exception()
    {
        await using SimulatedHost host = await SimulatedHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["BlindAI:Limits:MaxConcurrentRuns"] = "1",
            ["BlindAI:Limits:MaxQueuedRequests"] = "0",
            ["BlindAI:Limits:RetryAfter"] = "00:00:03",
        });
        await using BlindAIClient client = await BlindAIClient.ConnectAsync(host.ClientOptions());
        UploadedModel slow = await client.UploadModelAsync(ModelSource.FromBytes(TestModels.SlowMatMulChain(6000)));
        float[] values = new float[Size * Size];
        Array.Fill(values, 0.5f / Size);

        // Four at once with one slot and no queue: one runs, the others are refused at once.
        Task<IReadOnlyList<Tensor>>[] runs = [.. Enumerable.Range(0, 4).Select(_ => client.RunModelAsync(slow.Id, [Tensor.Create<float>(values, [Size, Size])]))];
        await Task.WhenAll(runs.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));

        Assert.Equal(1, runs.Count(r => r.IsCompletedSuccessfully));
        BlindAIRequestException busy = Assert.IsType<BlindAIRequestException>(runs.First(r => r.IsFaulted).Exception!.InnerException);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.Equal(ProblemCode.Busy, busy.ProblemCode);
        Assert.Equal(TimeSpan.FromSeconds(3), busy.RetryAfter);
        Assert.Contains("Retry after 3 s", busy.Message, StringComparison.Ordinal);
    }
}
