namespace BlindAI.Attestation.Collateral;

/// <summary>How <see cref="CollateralVerifier"/> checks collateral. The defaults are strict.</summary>
internal sealed record CollateralVerificationOptions
{
    /// <summary>Strict options: no expired collateral accepted.</summary>
    public static CollateralVerificationOptions Strict { get; } = new();

    /// <summary>
    /// How long after its <c>nextUpdate</c> a TCB Info, QE Identity or CRL is still accepted (default zero). It never
    /// extends certificate validity. A relaxation for platforms that cannot refresh collateral in time: the policy
    /// layer should say so explicitly.
    /// </summary>
    public TimeSpan AcceptExpiredCollateralFor
    {
        get;
        init => field = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The grace period cannot be negative.");
    }
}
