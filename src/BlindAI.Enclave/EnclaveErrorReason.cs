namespace BlindAI.Enclave;

/// <summary>
/// Why the enclave could not produce evidence (<see cref="Quoting.EvidenceException"/>) or seal or unseal data
/// (<see cref="Sealing.SealingException"/>). Stable codes: evidence reasons below 100, sealing reasons from 101; new
/// values are only ever added.
/// </summary>
/// <example>
/// <code>
/// catch (SealingException e) when (e.Reason == EnclaveErrorReason.SealedBlobAuthenticationFailed)
/// {
///     // tampered, or sealed by another enclave: skip the blob
/// }
/// </code>
/// </example>
public enum EnclaveErrorReason
{
    /// <summary>Report data is not exactly 64 bytes, or a nonce is not exactly 32 bytes.</summary>
    InvalidReportData = 1,

    /// <summary>No TEE interface was found (for example running under <c>gramine-direct</c> or outside any TEE).</summary>
    PlatformUnavailable = 2,

    /// <summary>Gramine reports <c>attestation_type</c> <c>none</c> or an unsupported type: the manifest lacks <c>sgx.remote_attestation = "dcap"</c>.</summary>
    AttestationDisabled = 3,

    /// <summary>The platform returned no quote, an empty one, or one larger than the limit.</summary>
    InvalidQuote = 4,

    /// <summary>Another writer changed the configfs-tsm report entry while the quote was being read.</summary>
    ConcurrentWriter = 5,

    /// <summary>Reading or writing the platform's pseudo-files failed.</summary>
    IoFailure = 6,

    /// <summary>The evidence does not fit the RA-TLS limits (for example more than 8192 bytes in one extension).</summary>
    EvidenceTooLarge = 7,

    /// <summary>The simulated platform was asked for but no simulated quote provider is registered.</summary>
    SimulationNotConfigured = 8,

    /// <summary>The sealing key cannot be read (for example not running under gramine-sgx, or the key file is missing).</summary>
    SealingKeyUnavailable = 101,

    /// <summary>The sealing key has the wrong length.</summary>
    InvalidSealingKey = 102,

    /// <summary>The blob is not a sealed blob: too short or wrong magic.</summary>
    SealedBlobMalformed = 103,

    /// <summary>The sealed blob uses a format version this library does not know.</summary>
    SealedBlobUnsupportedVersion = 104,

    /// <summary>The blob was sealed with a different kind of key (for example MRSIGNER instead of MRENCLAVE).</summary>
    SealingKeyKindMismatch = 105,

    /// <summary>Authentication failed: the blob or its associated data was tampered with, or the key is not the one that sealed it.</summary>
    SealedBlobAuthenticationFailed = 106,
}
