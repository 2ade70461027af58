using System.Collections.Immutable;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// One platform TCB level of a TCB Info: the minimum SVNs it requires and the status Intel gives to platforms at
/// or above them. <see cref="TcbInfo.TcbLevels"/> holds them highest first.
/// </summary>
internal sealed record TcbLevel
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

    /// <summary>
    /// Whether a platform reaches this level on the SGX side: each of its 16 SGX TCB component SVNs (from the PCK
    /// certificate, not the report's CPUSVN) is at least the level's, and its PCESVN is at least the level's.
    /// </summary>
    /// <param name="sgxComponentSvns">The platform's 16 SGX TCB component SVNs.</param>
    /// <param name="pceSvn">The platform's PCESVN (from the PCK certificate).</param>
    /// <returns><see langword="true"/> when the platform is at or above this level.</returns>
    /// <exception cref="ArgumentException"><paramref name="sgxComponentSvns"/> does not hold exactly 16 SVNs.</exception>
    public bool IsMetBySgx(ReadOnlySpan<byte> sgxComponentSvns, ushort pceSvn)
    {
        if (sgxComponentSvns.Length != ComponentCount)
        {
            throw new ArgumentException($"A platform has exactly {ComponentCount} SGX TCB component SVNs, not {sgxComponentSvns.Length}.", nameof(sgxComponentSvns));
        }

        for (var i = 0; i < ComponentCount; i++)
        {
            if (sgxComponentSvns[i] < SgxComponents[i].Svn)
            {
                return false;
            }
        }

        return pceSvn >= PceSvn;
    }

    /// <summary>
    /// Whether a TD reaches this level on the TDX side: each TEE_TCB_SVN byte from <paramref name="firstComponent"/> on
    /// is at least the level's TDX component SVN. Intel's QVL starts at 2 when TEE_TCB_SVN[1] (the module major
    /// version) is non-zero, because the TDX module identity covers bytes 0 and 1; dcap-qvl starts at 0.
    /// </summary>
    /// <param name="teeTcbSvn">The TD report's 16-byte TEE_TCB_SVN.</param>
    /// <param name="firstComponent">The first component compared: 0 or 2.</param>
    /// <returns><see langword="true"/> when the TD is at or above this level; <see langword="false"/> for a level without TDX components.</returns>
    /// <exception cref="ArgumentException"><paramref name="teeTcbSvn"/> is not 16 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="firstComponent"/> is not 0 to 15.</exception>
    public bool IsMetByTdx(ReadOnlySpan<byte> teeTcbSvn, int firstComponent)
    {
        if (teeTcbSvn.Length != ComponentCount)
        {
            throw new ArgumentException($"TEE_TCB_SVN is {ComponentCount} bytes, not {teeTcbSvn.Length}.", nameof(teeTcbSvn));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(firstComponent);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(firstComponent, ComponentCount);
        if (TdxComponents.Length != ComponentCount)
        {
            return false;
        }

        for (var i = firstComponent; i < ComponentCount; i++)
        {
            if (teeTcbSvn[i] < TdxComponents[i].Svn)
            {
                return false;
            }
        }

        return true;
    }
}
