namespace BlindAI.Enclave.Simulation;

/// <summary>Validity windows of the simulated certificates (each may be set in the past or future to test expiry).</summary>
internal sealed record SimulatedPkiOptions
{
    /// <summary>Start of validity of the root, PCK platform CA and TCB signing certificates; now − 1 day when <see langword="null"/>.</summary>
    public DateTimeOffset? CaNotBefore { get; init; }

    /// <summary>End of validity of the root, PCK platform CA and TCB signing certificates; now + 10 years when <see langword="null"/>.</summary>
    public DateTimeOffset? CaNotAfter { get; init; }

    /// <summary>Start of validity of the PCK leaf; <see cref="CaNotBefore"/> when <see langword="null"/>.</summary>
    public DateTimeOffset? PckNotBefore { get; init; }

    /// <summary>End of validity of the PCK leaf; now + 7 years when <see langword="null"/>.</summary>
    public DateTimeOffset? PckNotAfter { get; init; }
}
