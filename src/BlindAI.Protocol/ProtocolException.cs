namespace BlindAI.Protocol;

/// <summary>
/// A protocol message could not be decoded or violates a limit. This is the only exception the decoders of
/// <see cref="Cbor.MessageCodec"/> and <see cref="Problems.ProblemDetails.Parse"/> raise for bad input.
/// </summary>
public sealed class ProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the message was rejected.</param>
    /// <param name="message">A human-readable description (never contains tensor or model bytes).</param>
    /// <param name="fieldPath">The field the problem was found in, for example <c>inputs[0].info.fact</c>, or <see langword="null"/>.</param>
    /// <param name="offset">The byte offset in the message where the problem was found, or <see langword="null"/>.</param>
    /// <param name="innerException">The exception from the underlying reader, if any.</param>
    public ProtocolException(ProtocolErrorReason reason, string message, string? fieldPath = null, long? offset = null, Exception? innerException = null)
        : base(Compose(message, fieldPath, offset), innerException)
    {
        Reason = reason;
        FieldPath = fieldPath;
        Offset = offset;
    }

    /// <summary>Why the message was rejected.</summary>
    public ProtocolErrorReason Reason { get; }

    /// <summary>The field the problem was found in (for example <c>inputs[0].bytes_data</c>), or <see langword="null"/> at the top level.</summary>
    public string? FieldPath { get; }

    /// <summary>The byte offset in the message where the problem was found, when known.</summary>
    public long? Offset { get; }

    private static string Compose(string message, string? fieldPath, long? offset)
    {
        string where = (fieldPath, offset) switch
        {
            (not null and not "", not null) => $" (at {fieldPath}, byte {offset})",
            (not null and not "", null) => $" (at {fieldPath})",
            (_, not null) => $" (at byte {offset})",
            _ => string.Empty,
        };
        return message + where;
    }
}
