namespace BlindAI.SampleHost.Configuration;

/// <summary>Where <c>/collateral</c> comes from outside simulation.</summary>
public enum CollateralSourceKind
{
    /// <summary>Nowhere: <c>/collateral</c> answers <c>attestation-unavailable</c> and verifiers fetch collateral themselves.</summary>
    None,

    /// <summary>Intel PCS (settings in <c>BlindAI:Collateral:IntelPcs</c>).</summary>
    IntelPcs,

    /// <summary>A PCCS (settings in <c>BlindAI:Collateral:Pccs</c>, <c>BaseAddress</c> required).</summary>
    Pccs,
}
