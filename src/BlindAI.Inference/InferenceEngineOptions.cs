using Microsoft.ML.OnnxRuntime;

namespace BlindAI.Inference;

/// <summary>Limits and ONNX Runtime settings of <see cref="OnnxInferenceEngine"/>. Checked at start-up.</summary>
public sealed class InferenceEngineOptions
{
    /// <summary>The largest model accepted, in bytes. Default 1 GiB; at most <see cref="Array.MaxLength"/>.</summary>
    public long MaxModelBytes { get; set; } = 1L << 30;

    /// <summary>The largest total size of the input tensors of one run, in bytes (strings count their UTF-8 length). Default 64 MiB.</summary>
    public long MaxRequestBytes { get; set; } = 64L << 20;

    /// <summary>
    /// ONNX Runtime intra-op threads per session; 0 lets ONNX Runtime choose (one per core, for every session). Default 1:
    /// parallelism comes from running requests side by side (<see cref="MaxConcurrentRuns"/> defaults to the processor
    /// count), which keeps the thread count bounded however many models are loaded, as an enclave's thread budget needs.
    /// Raise it for lower latency when few requests run at once.
    /// </summary>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>The graph optimisation applied to models uploaded with <see cref="ModelUploadOptions.Optimize"/>. Default all.</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; set; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>How many runs execute at once across all models. Default: the processor count.</summary>
    public int MaxConcurrentRuns { get; set; } = Environment.ProcessorCount;

    /// <summary>How many runs of one loaded model execute at once; at most <see cref="MaxConcurrentRuns"/>. Default: the processor count.</summary>
    public int MaxConcurrentRunsPerModel { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// How many runs may wait for a slot (globally, and per model) before further runs are refused with
    /// <see cref="InferenceErrorReason.Busy"/>. Default 64; 0 refuses every run that cannot start at once.
    /// </summary>
    public int MaxQueuedRuns { get; set; } = 64;

    /// <summary>The retry delay suggested with <see cref="InferenceErrorReason.Busy"/> (the host's Retry-After). Default 1 second.</summary>
    public TimeSpan BusyRetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}
