using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;

namespace BlindAI.Client.Attestation;

/// <summary>What <see cref="RaTlsHttpMessageHandler"/> requires of any RA-TLS server it talks to.</summary>
public sealed record RaTlsHandlerOptions
{
    /// <summary>
    /// What the attested enclave must be; <see cref="AttestationPolicy.Strict"/> by default, which pins no identity: the
    /// handler refuses a policy until it pins one or names <see cref="AttestationPolicy.AllowUnpinnedIdentity"/>.
    /// </summary>
    public AttestationPolicy Policy { get; init; } = AttestationPolicy.Strict;

    /// <summary>
    /// Where the collateral of a server's quote comes from (<see cref="IntelPcsCollateralProvider"/>, <see cref="PccsCollateralProvider"/>,
    /// a <see cref="StaticCollateralProvider"/>, usually behind a <see cref="CachingCollateralProvider"/>). Required: a generic RA-TLS server serves none.
    /// </summary>
    public required ICollateralProvider CollateralProvider { get; init; }

    /// <summary>INSECURE, for development only: trust quotes signed under this simulation root instead of Intel's.</summary>
    public SimulationRoot? InsecureSimulationRoot { get; init; }

    /// <summary>The time limit of the attestation handshake with a new server.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
