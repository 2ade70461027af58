namespace BlindAI.Enclave.Sealing;

/// <summary>The one exception for sealing failures.</summary>
public sealed class SealingException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why sealing or unsealing failed.</param>
    /// <param name="message">A message for people; never contains keys or plaintext.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public SealingException(SealingErrorReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Why sealing or unsealing failed.</summary>
    public SealingErrorReason Reason { get; }
}
