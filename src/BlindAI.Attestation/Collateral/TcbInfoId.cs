namespace BlindAI.Attestation.Collateral;

/// <summary>Which TEE a TCB Info describes (its <c>id</c> field; TCB Info v2 has no id and is always SGX).</summary>
public enum TcbInfoId
{
    /// <summary>Intel SGX (<c>"SGX"</c>).</summary>
    Sgx,

    /// <summary>Intel TDX (<c>"TDX"</c>, TCB Info version 3 only).</summary>
    Tdx,
}
