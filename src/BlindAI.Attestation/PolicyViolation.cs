namespace BlindAI.Attestation;

/// <summary>One way in which verified evidence breaks an attestation policy.</summary>
/// <param name="Kind">The rule that is broken.</param>
/// <param name="Expected">What the policy asks for (hex for measurements).</param>
/// <param name="Actual">What the evidence holds (hex for measurements).</param>
public sealed record PolicyViolation(PolicyViolationKind Kind, string Expected, string Actual)
{
    /// <summary>The policy field's stable name, as policy files and JSON reports spell it (for example <c>mrEnclave</c>, <c>rtmr2</c>).</summary>
    public string Field => Kind switch
    {
        PolicyViolationKind.TcbStatus => "tcbStatus",
        PolicyViolationKind.QeTcbStatus => "qeTcbStatus",
        PolicyViolationKind.AdvisoryIds => "advisoryIds",
        PolicyViolationKind.TcbEvaluationDataNumber => "tcbEvaluationDataNumber",
        PolicyViolationKind.CollateralExpiresAt => "collateralExpiresAt",
        PolicyViolationKind.Debug => "debug",
        PolicyViolationKind.TeeType => "teeType",
        PolicyViolationKind.Identity => "identity",
        PolicyViolationKind.MrEnclave => "mrEnclave",
        PolicyViolationKind.MrSigner => "mrSigner",
        PolicyViolationKind.IsvProdId => "isvProdId",
        PolicyViolationKind.IsvSvn => "isvSvn",
        PolicyViolationKind.SgxAttributeFlags => "attributes.flags",
        PolicyViolationKind.SgxXfrm => "attributes.xfrm",
        PolicyViolationKind.MiscSelect => "miscSelect",
        PolicyViolationKind.SgxInit => "attributes.init",
        PolicyViolationKind.SgxMode64Bit => "attributes.mode64bit",
        PolicyViolationKind.SgxProvisionKey => "attributes.provisionKey",
        PolicyViolationKind.SgxEInitTokenKey => "attributes.einittokenKey",
        PolicyViolationKind.MrTd => "mrTd",
        PolicyViolationKind.Rtmr0 => "rtmr0",
        PolicyViolationKind.Rtmr1 => "rtmr1",
        PolicyViolationKind.Rtmr2 => "rtmr2",
        PolicyViolationKind.Rtmr3 => "rtmr3",
        PolicyViolationKind.MrConfigId => "mrConfigId",
        PolicyViolationKind.MrOwner => "mrOwner",
        PolicyViolationKind.MrOwnerConfig => "mrOwnerConfig",
        PolicyViolationKind.TdAttributes => "tdAttributes",
        PolicyViolationKind.TdxSeptVeDisable => "tdAttributes.septVeDisable",
        PolicyViolationKind.TdxReservedAttributes => "tdAttributes.reserved",
        PolicyViolationKind.MrServiceTd => "mrServiceTd",
        PolicyViolationKind.Xfam => "xfam",
        _ => Kind.ToString(),
    };

    /// <inheritdoc />
    public override string ToString() => $"{Field}: expected {Expected}, actual {Actual}";
}
