namespace BlindAI.Enclave.Quoting;

/// <summary>The kinds of platform a quote can come from.</summary>
public enum QuoteProviderKind
{
    /// <summary>Pick a real platform: Gramine's <c>/dev/attestation</c>, then configfs-tsm. Never simulation.</summary>
    Automatic = 0,

    /// <summary>An SGX enclave under Gramine (<c>/dev/attestation</c>).</summary>
    Gramine,

    /// <summary>A TDX confidential VM through Linux configfs-tsm (<c>/sys/kernel/config/tsm/report</c>).</summary>
    ConfigFsTsm,

    /// <summary>The simulated TEE platform: quotes chain to a simulation root, never to Intel. Only ever used when asked for by name.</summary>
    Simulation,
}
