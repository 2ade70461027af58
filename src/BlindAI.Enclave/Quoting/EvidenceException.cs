namespace BlindAI.Enclave.Quoting;

/// <summary>The one exception for failures to produce evidence (quotes, RA-TLS certificates); fails closed.</summary>
public sealed class EvidenceException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why no evidence could be produced.</param>
    /// <param name="message">A message for people; never contains report data or keys.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public EvidenceException(EnclaveErrorReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Why no evidence could be produced.</summary>
    public EnclaveErrorReason Reason { get; }
}
