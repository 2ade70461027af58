namespace BlindAI.Enclave.Sealing;

/// <summary>Why sealing or unsealing failed. Stable codes: new values are only ever added.</summary>
public enum SealingErrorReason
{
    /// <summary>The sealing key cannot be read (for example not running under gramine-sgx, or the key file is missing).</summary>
    KeyUnavailable = 1,

    /// <summary>The sealing key has the wrong length.</summary>
    InvalidKey,

    /// <summary>The blob is not a sealed blob: too short or wrong magic.</summary>
    Malformed,

    /// <summary>The blob uses a format version this library does not know.</summary>
    UnsupportedVersion,

    /// <summary>The blob was sealed with a different kind of key (for example MRSIGNER instead of MRENCLAVE).</summary>
    KeyKindMismatch,

    /// <summary>Authentication failed: the blob or its associated data was tampered with, or the key is not the one that sealed it.</summary>
    AuthenticationFailed,
}
