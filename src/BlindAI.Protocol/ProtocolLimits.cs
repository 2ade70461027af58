namespace BlindAI.Protocol;

/// <summary>
/// Limits applied while decoding protocol messages. Declared lengths are compared with these limits before anything
/// is allocated. Defaults are strict and match the inference engine's defaults (64 MiB per request, 1 GiB per model).
/// </summary>
internal sealed record ProtocolLimits
{
    /// <summary>
    /// The deepest nesting this library can read: System.Formats.Cbor's fixed reader limit. The original server's
    /// serde_cbor allowed 128, but no valid message nests deeper than 6 and the original client never sends deeper
    /// values, so the difference only affects hostile input.
    /// </summary>
    public const int MaxSupportedNestingDepth = 64;

    /// <summary>The default limits.</summary>
    public static ProtocolLimits Default { get; } = new();

    /// <summary>Maximum size of any encoded message except an upload (default 64 MiB).</summary>
    public long MaxMessageBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Maximum size of an encoded <c>UploadModel</c> message. The original Python client sends the model as an array
    /// of unsigned integers (about 1.9 bytes per model byte), so the default is the largest .NET array; the real guard
    /// is <see cref="MaxModelBytes"/>, checked against the declared lengths before allocating.
    /// </summary>
    public long MaxUploadMessageBytes { get; init; } = Array.MaxLength;

    /// <summary>Maximum model size, both the declared <c>length</c> and the actual bytes (default 1 GiB).</summary>
    public long MaxModelBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>Maximum number of tensors in one request or reply (default 1024).</summary>
    public int MaxTensors { get; init; } = 1024;

    /// <summary>Maximum number of dimensions of one tensor (default 32, NumPy's historical limit).</summary>
    public int MaxRank { get; init; } = 32;

    /// <summary>
    /// Maximum total element bytes of all tensors in one message (default 64 MiB). A string element counts as its
    /// UTF-8 length plus 8 bytes, so a flood of empty strings is bounded as well.
    /// </summary>
    public long MaxTotalTensorBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Maximum UTF-8 length of any single text string: names, ids, string tensor elements, collateral PEM/JSON (default 1 MiB).</summary>
    public int MaxTextBytes { get; init; } = 1024 * 1024;

    /// <summary>Maximum nesting of CBOR containers and tags, and of JSON problem documents (default and maximum <see cref="MaxSupportedNestingDepth"/>).</summary>
    public int MaxNestingDepth { get; init; } = MaxSupportedNestingDepth;

    /// <summary>Lists every limit that is out of range.</summary>
    /// <returns>One message per invalid limit; empty when the limits are usable.</returns>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        Check(MaxMessageBytes >= 64 && MaxMessageBytes <= Array.MaxLength, nameof(MaxMessageBytes), $"between 64 and {Array.MaxLength}");
        Check(MaxUploadMessageBytes >= 64 && MaxUploadMessageBytes <= Array.MaxLength, nameof(MaxUploadMessageBytes), $"between 64 and {Array.MaxLength}");
        Check(MaxModelBytes >= 1 && MaxModelBytes <= Array.MaxLength, nameof(MaxModelBytes), $"between 1 and {Array.MaxLength}");
        Check(MaxTensors >= 1, nameof(MaxTensors), "at least 1");
        Check(MaxRank >= 0 && MaxRank <= 1024, nameof(MaxRank), "between 0 and 1024");
        Check(MaxTotalTensorBytes >= 0 && MaxTotalTensorBytes <= Array.MaxLength, nameof(MaxTotalTensorBytes), $"between 0 and {Array.MaxLength}");
        Check(MaxTextBytes >= 64, nameof(MaxTextBytes), "at least 64");
        Check(MaxNestingDepth >= 8 && MaxNestingDepth <= MaxSupportedNestingDepth, nameof(MaxNestingDepth), $"between 8 and {MaxSupportedNestingDepth}");
        return errors;

        void Check(bool ok, string name, string range)
        {
            if (!ok)
            {
                errors.Add($"{name} must be {range}.");
            }
        }
    }

    /// <summary>Throws when any limit is out of range.</summary>
    /// <exception cref="ArgumentException">At least one limit is out of range; the message lists all of them.</exception>
    public void Validate()
    {
        IReadOnlyList<string> errors = GetValidationErrors();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid protocol limits: " + string.Join(" ", errors));
        }
    }
}
