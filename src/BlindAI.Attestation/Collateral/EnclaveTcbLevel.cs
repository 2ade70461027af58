using System.Collections.Immutable;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// One TCB level of an enclave identity (QE Identity) or of a TDX module identity: enclaves whose ISVSVN is at least
/// <see cref="IsvSvn"/> get <see cref="TcbStatus"/>. Lists of them are held highest ISVSVN first.
/// </summary>
internal sealed record EnclaveTcbLevel
{
    /// <summary>The minimum ISVSVN of the enclave (for a TDX module: TEE_TCB_SVN[0]).</summary>
    public required ushort IsvSvn { get; init; }

    /// <summary>The date of the TCB recovery event this level belongs to.</summary>
    public required DateTimeOffset TcbDate { get; init; }

    /// <summary>The status of enclaves at this level.</summary>
    public required TcbStatus TcbStatus { get; init; }

    /// <summary>Intel security advisories that apply at this level (may be empty).</summary>
    public required ImmutableArray<string> AdvisoryIds { get; init; }
}
