namespace BlindAI.Attestation.Collateral;

/// <summary>Which Intel enclave an enclave identity (QE Identity) describes: its <c>id</c> field.</summary>
internal enum EnclaveIdentityId
{
    /// <summary>The SGX quoting enclave (<c>"QE"</c>).</summary>
    Qe,

    /// <summary>The quote verification enclave (<c>"QVE"</c>).</summary>
    Qve,

    /// <summary>The TDX quoting enclave (<c>"TD_QE"</c>).</summary>
    TdQe,
}
