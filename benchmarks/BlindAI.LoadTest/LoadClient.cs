using System.Diagnostics;
using System.Net;
using BlindAI.Attestation;
using BlindAI.Client;
using BlindAI.Client.Errors;
using BlindAI.Client.Models;
using BlindAI.Protocol;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Problems;
using BlindAI.Protocol.Tensors;

namespace BlindAI.LoadTest;

/// <summary>The shared models every client runs, and the outputs each run must reproduce bit for bit.</summary>
internal sealed record SharedModels(ModelId Silero, ModelId MiniLm, IReadOnlyList<Tensor> SileroOutputs, IReadOnlyList<Tensor> MiniLmOutputs);

/// <summary>
/// One simulated user: an attested <see cref="BlindAIClient"/> that, until the deadline, picks (seeded) a Silero run
/// (60 %), a MiniLM run (20 %) or a management cycle (20 %: upload a distinct copy of Silero, run it, delete it).
/// Every output is compared with the reference; a difference is a <c>corrupt-output</c> failure.
/// </summary>
internal sealed class LoadClient(int index, BlindAIClient client, Workload workload, SharedModels shared, int seed)
{
    public const string RunSilero = "run-silero", RunMiniLm = "run-minilm", Upload = "upload", RunUploaded = "run-uploaded", Delete = "delete";

    public OperationLog Log { get; } = new();

    public async Task RunAsync(long deadlineTimestamp, CancellationToken cancellationToken)
    {
        var random = new Random(seed + index);
        long iteration = 0;
        while (Stopwatch.GetTimestamp() < deadlineTimestamp && !cancellationToken.IsCancellationRequested)
        {
            double pick = random.NextDouble();
            if (pick < 0.6)
            {
                await TimedAsync(RunSilero, () => RunCheckedAsync(shared.Silero, workload.SileroInputs, shared.SileroOutputs, cancellationToken)).ConfigureAwait(false);
            }
            else if (pick < 0.8)
            {
                await TimedAsync(RunMiniLm, () => RunCheckedAsync(shared.MiniLm, workload.MiniLmInputs, shared.MiniLmOutputs, cancellationToken)).ConfigureAwait(false);
            }
            else
            {
                await CycleAsync(iteration, cancellationToken).ConfigureAwait(false);
            }

            iteration++;
        }
    }

    private async Task CycleAsync(long iteration, CancellationToken cancellationToken)
    {
        byte[] copy = workload.DistinctSilero(index, iteration);
        UploadedModel? uploaded = null;
        await TimedAsync(Upload, async () =>
        {
            uploaded = await client.UploadModelAsync(ModelSource.FromBytes(copy), new UploadModelOptions { Name = $"silero-{index}-{iteration}" }, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        if (uploaded is null)
        {
            return;
        }

        // Another session, same network: the outputs must be Silero's exactly.
        await TimedAsync(RunUploaded, () => RunCheckedAsync(uploaded.Id, workload.SileroInputs, shared.SileroOutputs, cancellationToken)).ConfigureAwait(false);

        // A delete refused with busy is retried: a model left behind would be a leak the memory check then reports.
        for (int attempt = 0; attempt < 10; attempt++)
        {
            if (await TimedAsync(Delete, () => client.DeleteModelAsync(uploaded.Id, cancellationToken)).ConfigureAwait(false) != OperationLog.Busy)
            {
                return;
            }
        }
    }

    private async Task RunCheckedAsync(ModelId model, Tensor[] inputs, IReadOnlyList<Tensor> expected, CancellationToken cancellationToken)
    {
        IReadOnlyList<Tensor> outputs = await client.RunModelAsync(model, inputs, cancellationToken).ConfigureAwait(false);
        if (!OutputsEqual(expected, outputs))
        {
            throw new CorruptOutputException();
        }
    }

    /// <summary>Runs and times one operation; returns <see langword="null"/> on success, else the failure kind.</summary>
    private async Task<string?> TimedAsync(string operation, Func<Task> action)
    {
        long started = Stopwatch.GetTimestamp();
        string? failure;
        try
        {
            await action().ConfigureAwait(false);
            Log.Succeeded(operation, Stopwatch.GetElapsedTime(started));
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failure = Classify(e);
        }

        Log.Failed(operation, failure);
        if (failure == OperationLog.Busy)
        {
            // The host said when to come back (Retry-After, 1 s by default); come back a little sooner, at random, so
            // clients do not return in lockstep.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(200, 1000))).ConfigureAwait(false);
        }

        return failure;
    }

    public static string Classify(Exception exception) => exception switch
    {
        BlindAIRequestException { StatusCode: HttpStatusCode.ServiceUnavailable, ProblemCode: ProblemCode.Busy } => OperationLog.Busy,
        BlindAIRequestException request => $"http-{(int)request.StatusCode}-{(request.ProblemCode is { } code ? ProblemDetails.GetCodeName(code) : "no-problem")}",
        CorruptOutputException => "corrupt-output",
        AttestationException => "attestation",
        TimeoutException => "timeout",
        OperationCanceledException => "cancelled",
        HttpRequestException => "transport",
        ProtocolException => "protocol",
        _ => exception.GetType().Name,
    };

    private static bool OutputsEqual(IReadOnlyList<Tensor> expected, IReadOnlyList<Tensor> actual)
    {
        if (expected.Count != actual.Count)
        {
            return false;
        }

        for (int i = 0; i < expected.Count; i++)
        {
            Tensor e = expected[i], a = actual[i];
            if (e.Name != a.Name || e.ElementType != a.ElementType || !e.Shape.SequenceEqual(a.Shape) || !e.Data.Span.SequenceEqual(a.Data.Span))
            {
                return false;
            }
        }

        return true;
    }

    private sealed class CorruptOutputException() : Exception("An output differs from the reference.");
}
