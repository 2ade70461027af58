namespace BlindAI.Attestation;

/// <summary>Which rule of an attestation policy verified evidence breaks (<see cref="PolicyViolation.Kind"/>).</summary>
public enum PolicyViolationKind
{
    /// <summary>The platform's combined TCB status is not accepted. (<c>tcbStatus</c>)</summary>
    TcbStatus,

    /// <summary>The quoting enclave's TCB status is not accepted. (<c>qeTcbStatus</c>)</summary>
    QeTcbStatus,

    /// <summary>An Intel security advisory applies that the policy does not accept (or denies). (<c>advisoryIds</c>)</summary>
    AdvisoryIds,

    /// <summary>The collateral's TCB evaluation data number is below the policy's minimum. (<c>tcbEvaluationDataNumber</c>)</summary>
    TcbEvaluationDataNumber,

    /// <summary>The collateral expired longer ago than the policy's grace period. (<c>collateralExpiresAt</c>)</summary>
    CollateralExpiresAt,

    /// <summary>The enclave or TD runs in debug mode. (<c>debug</c>)</summary>
    Debug,

    /// <summary>The policy pins measurements of the other TEE. (<c>teeType</c>)</summary>
    TeeType,

    /// <summary>The policy pins no identity for the quote's TEE and does not allow that. (<c>identity</c>)</summary>
    Identity,

    /// <summary>MRENCLAVE is none of the accepted values. (<c>mrEnclave</c>)</summary>
    MrEnclave,

    /// <summary>MRSIGNER differs. (<c>mrSigner</c>)</summary>
    MrSigner,

    /// <summary>ISVPRODID differs. (<c>isvProdId</c>)</summary>
    IsvProdId,

    /// <summary>ISVSVN is below the minimum. (<c>isvSvn</c>)</summary>
    IsvSvn,

    /// <summary>The SGX attribute flags do not match the policy's mask. (<c>attributes.flags</c>)</summary>
    SgxAttributeFlags,

    /// <summary>XFRM does not match the policy's mask. (<c>attributes.xfrm</c>)</summary>
    SgxXfrm,

    /// <summary>MISCSELECT does not match the policy's mask. (<c>miscSelect</c>)</summary>
    MiscSelect,

    /// <summary>The SGX INIT attribute is clear. (<c>attributes.init</c>)</summary>
    SgxInit,

    /// <summary>The enclave is not 64-bit. (<c>attributes.mode64bit</c>)</summary>
    SgxMode64Bit,

    /// <summary>The enclave may use the provisioning key. (<c>attributes.provisionKey</c>)</summary>
    SgxProvisionKey,

    /// <summary>The enclave may use the EINITTOKEN key. (<c>attributes.einittokenKey</c>)</summary>
    SgxEInitTokenKey,

    /// <summary>MRTD differs. (<c>mrTd</c>)</summary>
    MrTd,

    /// <summary>RTMR0 differs. (<c>rtmr0</c>)</summary>
    Rtmr0,

    /// <summary>RTMR1 differs. (<c>rtmr1</c>)</summary>
    Rtmr1,

    /// <summary>RTMR2 differs. (<c>rtmr2</c>)</summary>
    Rtmr2,

    /// <summary>RTMR3 differs. (<c>rtmr3</c>)</summary>
    Rtmr3,

    /// <summary>MRCONFIGID differs. (<c>mrConfigId</c>)</summary>
    MrConfigId,

    /// <summary>MROWNER differs. (<c>mrOwner</c>)</summary>
    MrOwner,

    /// <summary>MROWNERCONFIG differs. (<c>mrOwnerConfig</c>)</summary>
    MrOwnerConfig,

    /// <summary>The TD attributes do not match the policy's mask. (<c>tdAttributes</c>)</summary>
    TdAttributes,

    /// <summary>SEPT_VE_DISABLE is clear. (<c>tdAttributes.septVeDisable</c>)</summary>
    TdxSeptVeDisable,

    /// <summary>Reserved TD attribute bits are set. (<c>tdAttributes.reserved</c>)</summary>
    TdxReservedAttributes,

    /// <summary>A service TD is bound to the TD. (<c>mrServiceTd</c>)</summary>
    MrServiceTd,

    /// <summary>XFAM does not match the policy's mask. (<c>xfam</c>)</summary>
    Xfam,
}
