namespace BlindAI.Inference;

/// <summary>
/// The one exception the inference engine raises for refused or failed requests. <see cref="Reason"/> says what went wrong;
/// for <see cref="InferenceErrorReason.InvalidInput"/> the input, expected and actual values say where.
/// </summary>
public sealed class InferenceException : Exception
{
    /// <summary>Creates an exception with a reason and a message.</summary>
    /// <param name="reason">Why the request was refused or failed.</param>
    /// <param name="message">A message safe to show to the caller: it never contains tensor data or model bytes.</param>
    public InferenceException(InferenceErrorReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Creates an exception with a reason, a message and the error that caused it.</summary>
    /// <param name="reason">Why the request was refused or failed.</param>
    /// <param name="message">A message safe to show to the caller.</param>
    /// <param name="innerException">The underlying error.</param>
    public InferenceException(InferenceErrorReason reason, string message, Exception? innerException)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Why the request was refused or failed.</summary>
    public InferenceErrorReason Reason { get; }

    /// <summary>For <see cref="InferenceErrorReason.InvalidInput"/>: the model input concerned (its name, or <c>#index</c> for a positional tensor).</summary>
    public string? InputName { get; init; }

    /// <summary>For <see cref="InferenceErrorReason.InvalidInput"/> and the size limits: what the model or the limit expects.</summary>
    public string? Expected { get; init; }

    /// <summary>For <see cref="InferenceErrorReason.InvalidInput"/> and the size limits: what the request had.</summary>
    public string? Actual { get; init; }

    /// <summary>For <see cref="InferenceErrorReason.Busy"/>: how long the caller should wait before retrying.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
