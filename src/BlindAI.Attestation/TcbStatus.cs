namespace BlindAI.Attestation;

/// <summary>
/// The TCB status Intel assigns to a platform, a TDX module or a quoting enclave. The members are
/// declared in increasing order of severity, so the more severe of two statuses is the larger value
/// (this is how statuses of the platform, the TDX module and the QE are combined).
/// </summary>
/// <remarks>Convert from and to Intel's JSON strings with <see cref="Collateral.TcbStatusNames"/>.</remarks>
public enum TcbStatus
{
    /// <summary>The TCB level is fully up to date (<c>UpToDate</c>).</summary>
    UpToDate,

    /// <summary>Up to date, but software mitigations are needed (<c>SWHardeningNeeded</c>).</summary>
    SWHardeningNeeded,

    /// <summary>Up to date, but the platform configuration must change (<c>ConfigurationNeeded</c>).</summary>
    ConfigurationNeeded,

    /// <summary>Up to date, but both configuration changes and software mitigations are needed (<c>ConfigurationAndSWHardeningNeeded</c>).</summary>
    ConfigurationAndSWHardeningNeeded,

    /// <summary>The TCB level is outdated: a newer microcode or firmware exists (<c>OutOfDate</c>).</summary>
    OutOfDate,

    /// <summary>Outdated, and the configuration must change too (<c>OutOfDateConfigurationNeeded</c>).</summary>
    OutOfDateConfigurationNeeded,

    /// <summary>The TCB level is revoked: keys from it must not be trusted (<c>Revoked</c>).</summary>
    Revoked,
}
