namespace BlindAI.Attestation.Quotes;

/// <summary>The trusted execution environment that produced a quote (header field <c>tee_type</c>).</summary>
public enum TeeType : uint
{
    /// <summary>An Intel SGX enclave.</summary>
    Sgx = 0x00000000,

    /// <summary>An Intel TDX trust domain.</summary>
    Tdx = 0x00000081,
}
