using BlindAI.Attestation.Quotes;

namespace BlindAI.Attestation.Collateral;

/// <summary>Which TEE a TCB Info describes (its <c>id</c> field; TCB Info v2 has no id and is always SGX).</summary>
internal enum TcbInfoId
{
    /// <summary>Intel SGX (<c>"SGX"</c>).</summary>
    Sgx,

    /// <summary>Intel TDX (<c>"TDX"</c>, TCB Info version 3 only).</summary>
    Tdx,
}

/// <summary>The one rule from a quote's TEE type to the TCB Info (and QE Identity) that judges it.</summary>
internal static class TcbInfoIds
{
    public static TcbInfoId For(TeeType teeType) => teeType switch
    {
        TeeType.Sgx => TcbInfoId.Sgx,
        TeeType.Tdx => TcbInfoId.Tdx,
        _ => throw new ArgumentOutOfRangeException(nameof(teeType), teeType, "Neither SGX nor TDX."),
    };
}
