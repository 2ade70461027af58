using BlindAI.Protocol.Messages;

namespace BlindAI.SampleHost.Attestation;

/// <summary>Collateral and the moment it goes stale.</summary>
/// <param name="Collateral">The collateral as <c>/collateral</c> serves it.</param>
/// <param name="NextUpdate">The earliest <c>nextUpdate</c> of the TCB Info, QE Identity and CRLs.</param>
public sealed record CollateralSnapshot(SgxCollateral Collateral, DateTimeOffset NextUpdate);
