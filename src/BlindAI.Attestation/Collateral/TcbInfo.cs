using System.Collections.Immutable;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// Intel's TCB Info for one FMSPC (versions 2 and 3, SGX and TDX): the platform TCB levels and, for TDX, the TDX
/// module identities. Keeps the exact bytes of the signed <c>tcbInfo</c> object in <see cref="RawJson"/>; the
/// signature is checked over those bytes, never over a re-serialisation.
/// </summary>
/// <remarks>
/// Parsing checks shape only (every component list has 16 entries, statuses and ids are known); whether the TCB Info
/// is authentic and current is decided by <see cref="CollateralVerifier"/>.
/// </remarks>
internal sealed partial class TcbInfo
{
    private TcbInfo()
    {
    }

    /// <summary>The TEE this TCB Info describes (<c>id</c>; SGX when absent, as in version 2).</summary>
    public TcbInfoId Id { get; private init; }

    /// <summary>The TCB Info format version: 2 or 3.</summary>
    public int Version { get; private init; }

    /// <summary>When Intel issued this TCB Info.</summary>
    public DateTimeOffset IssueDate { get; private init; }

    /// <summary>When Intel will issue the next TCB Info; this one must not be used after it.</summary>
    public DateTimeOffset NextUpdate { get; private init; }

    /// <summary>The FMSPC (family-model-stepping-platform-customSKU, 6 bytes) the TCB Info applies to.</summary>
    public ImmutableArray<byte> Fmspc { get; private init; }

    /// <summary>The PCE identifier (2 bytes, as written in the JSON: big-endian hex).</summary>
    public ImmutableArray<byte> PceId { get; private init; }

    /// <summary>The TCB type (0 is the only type Intel defines: compare component SVNs one by one).</summary>
    public int TcbType { get; private init; }

    /// <summary>The TCB evaluation data number: increases with every TCB recovery event.</summary>
    public int TcbEvaluationDataNumber { get; private init; }

    /// <summary>The platform TCB levels, highest first (see <see cref="Parse(ReadOnlySpan{byte})"/> for the order).</summary>
    public ImmutableArray<TcbLevel> TcbLevels { get; private init; }

    /// <summary>The TDX module signer and attributes (TDX only; <see langword="null"/> for SGX).</summary>
    public TdxModule? TdxModule { get; private init; }

    /// <summary>The TDX module identities by major version (TDX only; may be empty).</summary>
    public ImmutableArray<TdxModuleIdentity> TdxModuleIdentities { get; private init; }

    /// <summary>The exact UTF-8 bytes of the signed <c>tcbInfo</c> JSON object, as received.</summary>
    public ReadOnlyMemory<byte> RawJson { get; private init; }

    /// <summary>
    /// The platform's SGX TCB level: the first (highest) level it reaches by SGX components and PCESVN (see
    /// <see cref="TcbLevel.IsMetBySgx"/>), or <see langword="null"/> when it is below every level. TDX platforms must
    /// also reach the level's TDX components (<see cref="TcbLevel.IsMetByTdx"/>), which this lookup does not check.
    /// </summary>
    /// <param name="sgxComponentSvns">The 16 SGX TCB component SVNs of the PCK certificate.</param>
    /// <param name="pceSvn">The PCESVN of the PCK certificate.</param>
    /// <returns>The level, or <see langword="null"/>.</returns>
    public TcbLevel? FindSgxTcbLevel(ReadOnlySpan<byte> sgxComponentSvns, ushort pceSvn)
    {
        foreach (var level in TcbLevels)
        {
            if (level.IsMetBySgx(sgxComponentSvns, pceSvn))
            {
                return level;
            }
        }

        return null;
    }

    /// <summary>The TDX module identity for a module major version (<c>TDX_%02X</c> of TEE_TCB_SVN[1]), or <see langword="null"/>.</summary>
    /// <param name="majorVersion">TEE_TCB_SVN[1].</param>
    /// <returns>The identity, or <see langword="null"/> when the TCB Info has none for that version.</returns>
    public TdxModuleIdentity? FindTdxModuleIdentity(byte majorVersion)
    {
        var id = $"TDX_{majorVersion:X2}";
        foreach (var identity in TdxModuleIdentities)
        {
            if (identity.Id == id)
            {
                return identity;
            }
        }

        return null;
    }

    /// <summary>The FMSPC as 12 lower-case hex digits, the form collateral requests use.</summary>
    public string FmspcHex => Convert.ToHexStringLower(Fmspc.AsSpan());
}
