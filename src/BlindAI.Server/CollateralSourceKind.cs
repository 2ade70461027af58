namespace BlindAI.Server;

/// <summary>Where <c>/collateral</c> comes from outside simulation.</summary>
public enum CollateralSourceKind
{
    /// <summary>
    /// Nowhere. Allowed only in simulation, where the simulated platform signs <c>/collateral</c>; outside simulation the
    /// host refuses to start with it.
    /// </summary>
    None,

    /// <summary>Intel PCS (<c>--intel-pcs</c>; settings in <c>BlindAI:Collateral:IntelPcs</c>).</summary>
    IntelPcs,

    /// <summary>A PCCS (<c>--pccs-url</c>; settings in <c>BlindAI:Collateral:Pccs</c>, <c>BaseAddress</c> required).</summary>
    Pccs,
}
