using BlindAI.Attestation.Quotes;

namespace BlindAI.Attestation.Verification;

/// <summary>
/// What a successful DCAP verification established: the quote (whose signature, QE report, PCK chain and
/// collateral all checked out), the TCB status Intel assigns to the platform, and how long the collateral
/// behind that judgement stays valid. Attestation policies are evaluated against this result.
/// </summary>
public sealed record QuoteVerificationResult
{
    /// <summary>The verified quote; its report body is the measured identity.</summary>
    public required Quote Quote { get; init; }

    /// <summary>The combined TCB status (platform, TDX module and quoting enclave).</summary>
    public required TcbStatus TcbStatus { get; init; }

    /// <summary>The quoting enclave's own TCB status, from the QE Identity.</summary>
    public required TcbStatus QeTcbStatus { get; init; }

    /// <summary>The Intel security advisories (for example <c>INTEL-SA-00615</c>) that apply to the matched TCB levels.</summary>
    public IReadOnlyList<string> AdvisoryIds { get; init; } = [];

    /// <summary>The earliest expiry among the collateral used (TCB Info and QE Identity nextUpdate, CRL nextUpdate, certificate notAfter).</summary>
    public required DateTimeOffset CollateralExpiresAt { get; init; }

    /// <summary>The TCB evaluation data number of the TCB Info used (higher numbers reflect newer Intel TCB recoveries).</summary>
    public required int TcbEvaluationDataNumber { get; init; }

    /// <summary>The platform's FMSPC from the PCK certificate (6 bytes).</summary>
    public required Measurement Fmspc { get; init; }

    /// <summary>The instant the verification was made for (every validity window was checked at this time).</summary>
    public required DateTimeOffset VerifiedAt { get; init; }
}
