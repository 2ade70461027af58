namespace BlindAI.Attestation;

/// <summary>
/// The one exception for malformed attestation input: quotes, PCK certificates and their extensions,
/// collateral (TCB Info, QE Identity, CRLs, issuer chains) and RA-TLS evidence.
/// </summary>
public sealed class AttestationFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the input could not be read.</param>
    /// <param name="message">A message that names the structure and field.</param>
    /// <param name="offset">The byte offset in the input where the problem was found, when it has one.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public AttestationFormatException(AttestationFormatErrorReason reason, string message, long? offset = null, Exception? innerException = null)
        : base(offset is null ? message : $"{message} (at offset {offset})", innerException)
    {
        Reason = reason;
        Offset = offset;
    }

    /// <summary>Why the input could not be read.</summary>
    public AttestationFormatErrorReason Reason { get; }

    /// <summary>The byte offset in the input where the problem was found, or <see langword="null"/>.</summary>
    public long? Offset { get; }
}
