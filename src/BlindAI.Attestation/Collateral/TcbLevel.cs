using System.Collections.Immutable;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// One platform TCB level of a TCB Info: the minimum SVNs it requires and the status Intel gives to platforms at
/// or above them. <see cref="TcbInfo.TcbLevels"/> holds them highest first.
/// </summary>
public sealed record TcbLevel
{
    /// <summary>The number of SGX and of TDX TCB components of a level (Intel defines exactly 16 of each).</summary>
    public const int ComponentCount = 16;

    /// <summary>The 16 SGX TCB components (compared with the PCK certificate's SGX TCB component SVNs).</summary>
    public required ImmutableArray<TcbComponent> SgxComponents { get; init; }

    /// <summary>The minimum PCE SVN.</summary>
    public required ushort PceSvn { get; init; }

    /// <summary>The 16 TDX TCB components (compared with the TD report's TEE_TCB_SVN); empty in SGX TCB Info.</summary>
    public required ImmutableArray<TcbComponent> TdxComponents { get; init; }

    /// <summary>The date of the TCB recovery event this level belongs to.</summary>
    public required DateTimeOffset TcbDate { get; init; }

    /// <summary>The status of platforms at this level.</summary>
    public required TcbStatus TcbStatus { get; init; }

    /// <summary>Intel security advisories that apply at this level (empty in TCB Info v2).</summary>
    public required ImmutableArray<string> AdvisoryIds { get; init; }
}
