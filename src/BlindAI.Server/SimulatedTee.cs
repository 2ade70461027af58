namespace BlindAI.Server;

/// <summary>Which TEE the simulated platform of <c>--simulation</c> imitates.</summary>
public enum SimulatedTee
{
    /// <summary>An SGX enclave: SGX v3 quotes, SGX collateral (<c>--simulation</c> or <c>--simulation sgx</c>).</summary>
    Sgx,

    /// <summary>A TDX trust domain: TDX v4 quotes, TDX collateral (<c>--simulation tdx</c>).</summary>
    Tdx,
}
