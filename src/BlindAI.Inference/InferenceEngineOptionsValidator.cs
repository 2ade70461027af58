using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace BlindAI.Inference;

/// <summary>Checks <see cref="InferenceEngineOptions"/> so a misconfigured host fails at start-up, not on the first request.</summary>
internal sealed class InferenceEngineOptionsValidator : IValidateOptions<InferenceEngineOptions>
{
    public ValidateOptionsResult Validate(string? name, InferenceEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxModelBytes <= 0 || options.MaxModelBytes > Array.MaxLength)
        {
            failures.Add($"MaxModelBytes must be between 1 and {Array.MaxLength}, got {options.MaxModelBytes}.");
        }

        if (options.MaxRequestBytes <= 0)
        {
            failures.Add($"MaxRequestBytes must be positive, got {options.MaxRequestBytes}.");
        }

        if (options.IntraOpThreads < 0)
        {
            failures.Add($"IntraOpThreads must be 0 (ONNX Runtime decides) or more, got {options.IntraOpThreads}.");
        }

        if (!Enum.IsDefined(options.GraphOptimizationLevel))
        {
            failures.Add($"GraphOptimizationLevel {(int)options.GraphOptimizationLevel} is not a defined level.");
        }

        if (options.MaxConcurrentRuns < 1)
        {
            failures.Add($"MaxConcurrentRuns must be at least 1, got {options.MaxConcurrentRuns}.");
        }

        if (options.MaxConcurrentRunsPerModel < 1 || options.MaxConcurrentRunsPerModel > options.MaxConcurrentRuns)
        {
            failures.Add($"MaxConcurrentRunsPerModel must be between 1 and MaxConcurrentRuns ({options.MaxConcurrentRuns}), got {options.MaxConcurrentRunsPerModel}.");
        }

        if (options.MaxQueuedRuns < 0)
        {
            failures.Add($"MaxQueuedRuns must be 0 or more, got {options.MaxQueuedRuns}.");
        }

        if (options.BusyRetryAfter <= TimeSpan.Zero)
        {
            failures.Add($"BusyRetryAfter must be positive, got {options.BusyRetryAfter}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws when the options are invalid (for engines built without dependency injection).</summary>
    public static void ThrowIfInvalid(InferenceEngineOptions options)
    {
        ValidateOptionsResult result = new InferenceEngineOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(InferenceEngineOptions), result.Failures);
        }
    }
}
