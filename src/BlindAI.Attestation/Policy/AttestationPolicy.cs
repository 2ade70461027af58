using System.Collections.Immutable;

using BlindAI.Attestation.Quotes;

namespace BlindAI.Attestation.Policy;

/// <summary>
/// What a verified quote must show before a client trusts the enclave or TD behind it. Immutable; start
/// from <see cref="Strict"/> (only <see cref="TcbStatus.UpToDate"/>, no advisories, debug rejected, production
/// attributes, an identity must be pinned) and add requirements (<c>Require*</c>, <see cref="DenyAdvisoryIds"/>) or
/// explicit, named relaxations (<see cref="AllowDebug"/>, <see cref="AcceptTcbStatuses"/>, <see cref="AcceptAdvisoryIds"/>,
/// <see cref="AllowSgxProvisionKey"/>, <see cref="AllowTdxSeptVeEnabled"/>, ...). Each call returns a new policy.
/// <see cref="Evaluate"/> reports every violation at once.
/// </summary>
public sealed partial record AttestationPolicy
{
    private const int SgxMeasurementSize = 32;
    private const int TdxMeasurementSize = 48;

    private AttestationPolicy()
    {
    }

    /// <summary>
    /// The strict default: TCB status UpToDate only (also for the QE), no advisory accepted, debug enclaves and TDs
    /// rejected, collateral must be unexpired, an identity must be pinned (see <see cref="PinsIdentity"/>), and the
    /// attributes of a production workload: SGX INIT and MODE64BIT set, PROVISIONKEY and EINITTOKEN_KEY clear (Gramine's
    /// checks); TDX SEPT_VE_DISABLE set, reserved TD attribute bits clear and MRSERVICETD zero (dcap-qvl's checks).
    /// </summary>
    public static AttestationPolicy Strict { get; } = new();

    /// <summary>Whether debug enclaves and TDs are accepted (see <see cref="AllowDebug"/>).</summary>
    public bool DebugAllowed { get; private init; }

    /// <summary>Whether a policy that pins no identity is accepted (see <see cref="AllowUnpinnedIdentity"/>).</summary>
    public bool UnpinnedIdentityAllowed { get; private init; }

    /// <summary>The TCB statuses accepted for the platform and the quoting enclave (always contains <see cref="TcbStatus.UpToDate"/>).</summary>
    public IReadOnlySet<TcbStatus> AcceptedTcbStatuses { get; private init; } = ImmutableHashSet.Create(TcbStatus.UpToDate);

    /// <summary>The advisory ids accepted (case-insensitive); any other advisory in the result is a violation.</summary>
    public IReadOnlySet<string> AcceptedAdvisoryIds { get; private init; } = ImmutableHashSet.Create<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The advisory ids never accepted (case-insensitive), even when accepted by <see cref="AcceptAdvisoryIds"/>: the deny list wins.</summary>
    public IReadOnlySet<string> DeniedAdvisoryIds { get; private init; } = ImmutableHashSet.Create<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The lowest TCB evaluation data number accepted, or <see langword="null"/> for any.</summary>
    public int? MinimumTcbEvaluationDataNumber { get; private init; }

    /// <summary>How long after the collateral's earliest expiry a result is still accepted (zero by default).</summary>
    public TimeSpan CollateralGracePeriod { get; private init; }

    /// <summary>SGX: the accepted MRENCLAVE values (any one matches); empty when not pinned.</summary>
    public ImmutableArray<Measurement> MrEnclaves { get; private init; } = [];

    /// <summary>SGX: the expected MRSIGNER, or <see langword="null"/>.</summary>
    public Measurement? MrSigner { get; private init; }

    /// <summary>SGX: the expected ISVPRODID, or <see langword="null"/>.</summary>
    public ushort? IsvProdId { get; private init; }

    /// <summary>SGX: the lowest ISVSVN accepted, or <see langword="null"/>.</summary>
    public ushort? MinimumIsvSvn { get; private init; }

    /// <summary>SGX: the expected attribute flags under a mask, or <see langword="null"/>.</summary>
    public MaskedValue? SgxAttributeFlags { get; private init; }

    /// <summary>SGX: the expected XFRM under a mask, or <see langword="null"/>.</summary>
    public MaskedValue? SgxXfrm { get; private init; }

    /// <summary>SGX: the expected MISCSELECT under a mask, or <see langword="null"/>.</summary>
    public MaskedValue? MiscSelect { get; private init; }

    /// <summary>TDX: the expected MRTD, or <see langword="null"/>.</summary>
    public Measurement? MrTd { get; private init; }

    /// <summary>TDX: the expected RTMR0 to RTMR3 (an entry is <see langword="null"/> when not pinned).</summary>
    public ImmutableArray<Measurement?> Rtmrs { get; private init; } = [null, null, null, null];

    /// <summary>TDX: the expected MRCONFIGID, or <see langword="null"/>.</summary>
    public Measurement? MrConfigId { get; private init; }

    /// <summary>TDX: the expected MROWNER, or <see langword="null"/>.</summary>
    public Measurement? MrOwner { get; private init; }

    /// <summary>TDX: the expected MROWNERCONFIG, or <see langword="null"/>.</summary>
    public Measurement? MrOwnerConfig { get; private init; }

    /// <summary>TDX: the expected TD attributes under a mask, or <see langword="null"/>.</summary>
    public MaskedValue? TdAttributes { get; private init; }

    /// <summary>TDX: the expected XFAM under a mask, or <see langword="null"/>.</summary>
    public MaskedValue? Xfam { get; private init; }

    /// <summary>
    /// Whether the policy pins an identity that another enclave or TD cannot reproduce: SGX by MRENCLAVE, or by MRSIGNER
    /// together with ISVPRODID (one signer's key signs many products); TDX by MRTD (RTMRs alone can be reproduced by
    /// other firmware replaying the same event log). A client sends nothing to an unpinned enclave unless
    /// <see cref="UnpinnedIdentityAllowed"/>.
    /// </summary>
    public bool PinsIdentity => PinsSgxIdentity || PinsTdxIdentity;

    private bool PinsSgxIdentity => !MrEnclaves.IsEmpty || (MrSigner is not null && IsvProdId is not null);

    private bool PinsTdxIdentity => MrTd is not null;

    private bool HasSgxRequirements =>
        !MrEnclaves.IsEmpty || MrSigner is not null || IsvProdId is not null || MinimumIsvSvn is not null
        || SgxAttributeFlags is not null || SgxXfrm is not null || MiscSelect is not null;

    private bool HasTdxRequirements =>
        MrTd is not null || Rtmrs.Any(r => r is not null) || MrConfigId is not null || MrOwner is not null
        || MrOwnerConfig is not null || TdAttributes is not null || Xfam is not null;

    // ---- Relaxations: each is a deliberate, named opt-in. ----

    /// <summary>INSECURE: accepts debug enclaves and TDs, whose memory the host can read. For development only.</summary>
    /// <returns>The relaxed policy.</returns>
    public AttestationPolicy AllowDebug() => this with { DebugAllowed = true };

    /// <summary>Accepts evidence from any enclave or TD when the policy pins no identity (only TCB and debug rules apply).</summary>
    /// <returns>The relaxed policy.</returns>
    public AttestationPolicy AllowUnpinnedIdentity() => this with { UnpinnedIdentityAllowed = true };

    /// <summary>Accepts these TCB statuses in addition to the ones already accepted (UpToDate always is). <see cref="TcbStatus.Revoked"/> never is.</summary>
    /// <param name="statuses">The statuses, for example <see cref="TcbStatus.SWHardeningNeeded"/>.</param>
    /// <returns>The relaxed policy.</returns>
    /// <exception cref="ArgumentException">A status is <see cref="TcbStatus.Revoked"/>, or unknown (<see cref="ArgumentOutOfRangeException"/>).</exception>
    public AttestationPolicy AcceptTcbStatuses(params IEnumerable<TcbStatus> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        var set = AcceptedTcbStatuses.ToImmutableHashSet();
        foreach (TcbStatus status in statuses)
        {
            if (status == TcbStatus.Revoked)
            {
                // Intel revoked the platform's keys: anyone holding them can forge its quotes, so no policy may trust it.
                throw new ArgumentException(RevokedNeverAccepted, nameof(statuses));
            }

            set = Enum.IsDefined(status) ? set.Add(status) : throw new ArgumentOutOfRangeException(nameof(statuses), status, "Unknown TCB status.");
        }

        return this with { AcceptedTcbStatuses = set };
    }

    /// <summary>Accepts these Intel security advisories (for example <c>INTEL-SA-00615</c>) when the TCB level lists them.</summary>
    /// <param name="advisoryIds">The advisory ids.</param>
    /// <returns>The relaxed policy.</returns>
    public AttestationPolicy AcceptAdvisoryIds(params IEnumerable<string> advisoryIds)
    {
        ArgumentNullException.ThrowIfNull(advisoryIds);
        var set = ImmutableHashSet.CreateRange(StringComparer.OrdinalIgnoreCase, AcceptedAdvisoryIds);
        foreach (string id in advisoryIds)
        {
            set = string.IsNullOrWhiteSpace(id) ? throw new ArgumentException("An advisory id is empty.", nameof(advisoryIds)) : set.Add(id.Trim());
        }

        return this with { AcceptedAdvisoryIds = set };
    }

    /// <summary>
    /// Never accepts these Intel security advisories, whatever else the policy accepts: a result listing one is a
    /// violation even when the advisory is also accepted (for example: accept SWHardeningNeeded, but never INTEL-SA-00615).
    /// </summary>
    /// <param name="advisoryIds">The advisory ids (compared case-insensitively).</param>
    /// <returns>The stricter policy.</returns>
    /// <exception cref="ArgumentException">An advisory id is empty.</exception>
    public AttestationPolicy DenyAdvisoryIds(params IEnumerable<string> advisoryIds)
    {
        ArgumentNullException.ThrowIfNull(advisoryIds);
        var set = ImmutableHashSet.CreateRange(StringComparer.OrdinalIgnoreCase, DeniedAdvisoryIds);
        foreach (string id in advisoryIds)
        {
            set = string.IsNullOrWhiteSpace(id) ? throw new ArgumentException("An advisory id is empty.", nameof(advisoryIds)) : set.Add(id.Trim());
        }

        return this with { DeniedAdvisoryIds = set };
    }

    /// <summary>Accepts results whose collateral expired at most <paramref name="gracePeriod"/> before the verification time.</summary>
    /// <param name="gracePeriod">A non-negative duration.</param>
    /// <returns>The relaxed policy.</returns>
    public AttestationPolicy AllowCollateralGracePeriod(TimeSpan gracePeriod)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(gracePeriod, TimeSpan.Zero);
        return this with { CollateralGracePeriod = gracePeriod };
    }

    // ---- Requirements. ----

    /// <summary>Requires a minimum TCB evaluation data number (rejects collateral from before an Intel TCB recovery).</summary>
    /// <param name="minimum">The lowest accepted number.</param>
    /// <returns>The stricter policy.</returns>
    public AttestationPolicy RequireMinimumTcbEvaluationDataNumber(int minimum)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimum);
        return this with { MinimumTcbEvaluationDataNumber = minimum };
    }

    /// <summary>SGX: requires MRENCLAVE to be one of these values (adds to the values already accepted).</summary>
    /// <param name="anyOf">32-byte measurements.</param>
    /// <returns>The stricter policy.</returns>
    public AttestationPolicy RequireMrEnclave(params IEnumerable<Measurement> anyOf)
    {
        ArgumentNullException.ThrowIfNull(anyOf);
        ImmutableArray<Measurement> values = [.. anyOf.Select(m => Sized(m, SgxMeasurementSize, nameof(anyOf)))];
        return values.IsEmpty
            ? throw new ArgumentException("At least one MRENCLAVE is needed.", nameof(anyOf))
            : this with { MrEnclaves = MrEnclaves.AddRange(values.Where(v => !MrEnclaves.Contains(v))) };
    }

    /// <summary>SGX: requires this MRSIGNER.</summary>
    /// <param name="mrSigner">A 32-byte measurement.</param>
    /// <returns>The stricter policy.</returns>
    public AttestationPolicy RequireMrSigner(Measurement mrSigner) => this with { MrSigner = Sized(mrSigner, SgxMeasurementSize, nameof(mrSigner)) };

    /// <summary>SGX: requires this ISVPRODID.</summary>
    /// <param name="isvProdId">The product id.</param>
    /// <returns>The stricter policy.</returns>
    public AttestationPolicy RequireIsvProdId(ushort isvProdId) => this with { IsvProdId = isvProdId };

    /// <summary>SGX: requires ISVSVN to be at least <paramref name="minimum"/>.</summary>
    /// <param name="minimum">The lowest accepted security version.</param>
    /// <returns>The stricter policy.</returns>
    public AttestationPolicy RequireMinimumIsvSvn(ushort minimum) => this with { MinimumIsvSvn = minimum };

    /// <summary>SGX: requires the attribute flags under a mask (the DEBUG bit is governed by <see cref="AllowDebug"/> as well).</summary>
    /// <param name="flags">The expected flags (INIT is bit 0, DEBUG bit 1, MODE64BIT bit 2).</param>
    /// <returns>The stricter policy.</returns>
    public AttestationPolicy RequireSgxAttributeFlags(MaskedValue flags) => this with { SgxAttributeFlags = flags };

    /// <summary>SGX: requires XFRM (the extended CPU state the enclave may use) under a mask.</summary>
    /// <param name="xfrm">The expected XFRM.</param>
    /// <returns>The stricter policy.</returns>
    public AttestationPolicy RequireSgxXfrm(MaskedValue xfrm) => this with { SgxXfrm = xfrm };

    /// <summary>SGX: requires MISCSELECT under a mask.</summary>
    /// <param name="miscSelect">The expected MISCSELECT (only the low 32 bits exist).</param>
    /// <returns>The stricter policy.</returns>
    public AttestationPolicy RequireMiscSelect(MaskedValue miscSelect) => this with { MiscSelect = miscSelect };

    /// <summary>TDX: requires this MRTD.</summary>
    /// <param name="mrTd">A 48-byte measurement.</param>
    /// <returns>The stricter policy.</returns>
    public AttestationPolicy RequireMrTd(Measurement mrTd) => this with { MrTd = Sized(mrTd, TdxMeasurementSize, nameof(mrTd)) };

    /// <summary>TDX: requires RTMR<paramref name="index"/> to hold this value.</summary>
    /// <param name="index">0 to 3.</param>
    /// <param name="value">A 48-byte measurement.</param>
    /// <returns>The stricter policy.</returns>
    public AttestationPolicy RequireRtmr(int index, Measurement value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, 3);
        return this with { Rtmrs = Rtmrs.SetItem(index, Sized(value, TdxMeasurementSize, nameof(value))) };
    }

    /// <summary>TDX: requires this MRCONFIGID.</summary>
    /// <param name="mrConfigId">A 48-byte value.</param>
    /// <returns>The stricter policy.</returns>
    public AttestationPolicy RequireMrConfigId(Measurement mrConfigId) => this with { MrConfigId = Sized(mrConfigId, TdxMeasurementSize, nameof(mrConfigId)) };

    /// <summary>TDX: requires this MROWNER.</summary>
    /// <param name="mrOwner">A 48-byte value.</param>
    /// <returns>The stricter policy.</returns>
    public AttestationPolicy RequireMrOwner(Measurement mrOwner) => this with { MrOwner = Sized(mrOwner, TdxMeasurementSize, nameof(mrOwner)) };

    /// <summary>TDX: requires this MROWNERCONFIG.</summary>
    /// <param name="mrOwnerConfig">A 48-byte value.</param>
    /// <returns>The stricter policy.</returns>
    public AttestationPolicy RequireMrOwnerConfig(Measurement mrOwnerConfig) => this with { MrOwnerConfig = Sized(mrOwnerConfig, TdxMeasurementSize, nameof(mrOwnerConfig)) };

    /// <summary>TDX: requires the TD attributes under a mask (the DEBUG bit is governed by <see cref="AllowDebug"/> as well).</summary>
    /// <param name="tdAttributes">The expected TDATTRIBUTES.</param>
    /// <returns>The stricter policy.</returns>
    public AttestationPolicy RequireTdAttributes(MaskedValue tdAttributes) => this with { TdAttributes = tdAttributes };

    /// <summary>TDX: requires XFAM under a mask.</summary>
    /// <param name="xfam">The expected XFAM.</param>
    /// <returns>The stricter policy.</returns>
    public AttestationPolicy RequireXfam(MaskedValue xfam) => this with { Xfam = xfam };

    private static Measurement Sized(Measurement value, int size, string parameter) =>
        value.Length == size ? value : throw new ArgumentException($"The measurement is {value.Length} bytes; {size} are expected.", parameter);

    private const string RevokedNeverAccepted = "A Revoked TCB can never be accepted: Intel revoked the platform's keys, so its quotes can be forged.";

    internal static string Describe(TeeType teeType) => teeType == TeeType.Sgx ? "SGX" : "TDX";
}
