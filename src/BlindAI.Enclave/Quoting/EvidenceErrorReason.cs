namespace BlindAI.Enclave.Quoting;

/// <summary>Why the enclave could not produce evidence. Stable codes: new values are only ever added.</summary>
public enum EvidenceErrorReason
{
    /// <summary>Report data is not exactly 64 bytes, or a nonce is not exactly 32 bytes.</summary>
    InvalidReportData = 1,

    /// <summary>No TEE interface was found (for example running under <c>gramine-direct</c> or outside any TEE).</summary>
    PlatformUnavailable,

    /// <summary>Gramine reports <c>attestation_type</c> <c>none</c> or an unsupported type: the manifest lacks <c>sgx.remote_attestation = "dcap"</c>.</summary>
    AttestationDisabled,

    /// <summary>The platform returned no quote, an empty one, or one larger than the limit.</summary>
    InvalidQuote,

    /// <summary>Another writer changed the configfs-tsm report entry while the quote was being read.</summary>
    ConcurrentWriter,

    /// <summary>Reading or writing the platform's pseudo-files failed.</summary>
    IoFailure,

    /// <summary>The evidence does not fit the RA-TLS limits (for example more than 8192 bytes in one extension).</summary>
    EvidenceTooLarge,

    /// <summary>The simulated platform was asked for but is not configured.</summary>
    SimulationNotConfigured,
}
