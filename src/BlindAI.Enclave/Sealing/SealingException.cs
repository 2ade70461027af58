using System.Security.Cryptography;

namespace BlindAI.Enclave.Sealing;

/// <summary>
/// The one exception for sealing failures. It is a <see cref="CryptographicException"/> so that code which knows only
/// that a protected blob may fail to open (the inference engine's model repository restores a store and skips such
/// blobs) treats it as such without depending on this package; <see cref="Reason"/> says why.
/// </summary>
public sealed class SealingException : CryptographicException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why sealing or unsealing failed.</param>
    /// <param name="message">A message for people; never contains keys or plaintext.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public SealingException(EnclaveErrorReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Why sealing or unsealing failed.</summary>
    public EnclaveErrorReason Reason { get; }
}
