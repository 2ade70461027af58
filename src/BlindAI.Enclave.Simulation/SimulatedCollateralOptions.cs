using BlindAI.Attestation;

namespace BlindAI.Enclave.Simulation;

/// <summary>
/// What the simulated collateral says. Defaults produce collateral under which the platform is <c>UpToDate</c>;
/// each property changes one thing so that every TCB status and every failure can be produced with valid signatures.
/// Every document is valid from now − 1 day to now + 30 days by the platform's clock.
/// </summary>
/// <example>
/// Collateral under which a policy that refuses out-of-date platforms must fail:
/// <code>
/// SimulatedCollateral collateral = platform.CreateCollateral(new SimulatedCollateralOptions { PlatformTcbStatus = TcbStatus.OutOfDate });
/// </code>
/// </example>
public sealed record SimulatedCollateralOptions
{
    /// <summary>Whether to produce TDX collateral (TCB Info id <c>TDX</c>, QE Identity id <c>TD_QE</c>) instead of SGX.</summary>
    public bool Tdx { get; init; }

    /// <summary>Default validity of every document; now − 1 day … now + 30 days when <see langword="null"/>.</summary>
    internal SimulatedValidity? Validity { get; init; }

    /// <summary>TCB Info validity; <see cref="Validity"/> when <see langword="null"/>.</summary>
    internal SimulatedValidity? TcbInfoValidity { get; init; }

    /// <summary>QE Identity validity; <see cref="Validity"/> when <see langword="null"/>.</summary>
    internal SimulatedValidity? QeIdentityValidity { get; init; }

    /// <summary>Root CA CRL thisUpdate/nextUpdate; <see cref="Validity"/> when <see langword="null"/>.</summary>
    internal SimulatedValidity? RootCaCrlValidity { get; init; }

    /// <summary>PCK CRL thisUpdate/nextUpdate; <see cref="Validity"/> when <see langword="null"/>.</summary>
    internal SimulatedValidity? PckCrlValidity { get; init; }

    /// <summary>The status of the single default TCB level, which matches the platform exactly. Ignored when <see cref="TcbLevels"/> is set.</summary>
    public TcbStatus PlatformTcbStatus { get; init; } = TcbStatus.UpToDate;

    /// <summary>Advisory ids of the default TCB level.</summary>
    public IReadOnlyList<string> PlatformAdvisoryIds { get; init; } = [];

    /// <summary>Explicit TCB levels (newest first), replacing the default single level.</summary>
    internal IReadOnlyList<SimulatedTcbLevel>? TcbLevels { get; init; }

    /// <summary>The status of the default QE TCB level (matches the QE's ISVSVN). Ignored when <see cref="QeTcbLevels"/> is set.</summary>
    public TcbStatus QeTcbStatus { get; init; } = TcbStatus.UpToDate;

    /// <summary>Explicit QE Identity TCB levels, replacing the default single level.</summary>
    internal IReadOnlyList<SimulatedQeTcbLevel>? QeTcbLevels { get; init; }

    /// <summary>The status of the TDX module identity's TCB level (TDX only).</summary>
    public TcbStatus TdxModuleTcbStatus { get; init; } = TcbStatus.UpToDate;

    /// <summary>The FMSPC written into the TCB Info; the platform's when <see langword="null"/> (set it to test a mismatch).</summary>
    public ReadOnlyMemory<byte>? TcbInfoFmspc { get; init; }

    /// <summary>The PCE-ID written into the TCB Info; the platform's when <see langword="null"/>.</summary>
    public ReadOnlyMemory<byte>? TcbInfoPceId { get; init; }

    /// <summary>The QE MRSIGNER written into the QE Identity; the QE's when <see langword="null"/> (set it to test a mismatch).</summary>
    public ReadOnlyMemory<byte>? QeIdentityMrSigner { get; init; }

    /// <summary>The QE ISVPRODID written into the QE Identity; the QE's when <see langword="null"/>.</summary>
    public ushort? QeIdentityIsvProdId { get; init; }

    /// <summary>tcbEvaluationDataNumber of both documents.</summary>
    public int TcbEvaluationDataNumber { get; init; } = 17;

    /// <summary>Whether the PCK CRL lists this platform's PCK certificate.</summary>
    public bool RevokePckCertificate { get; init; }

    /// <summary>Whether the root CA CRL lists the PCK platform CA.</summary>
    public bool RevokePckPlatformCa { get; init; }

    /// <summary>Whether the root CA CRL lists the TCB signing certificate.</summary>
    public bool RevokeTcbSigningCertificate { get; init; }
}
