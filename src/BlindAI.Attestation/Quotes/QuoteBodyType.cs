namespace BlindAI.Attestation.Quotes;

/// <summary>The kind of report a quote carries (the v5 <c>body_type</c>; implied by the TEE type in v3 and v4).</summary>
internal enum QuoteBodyType : ushort
{
    /// <summary>An SGX enclave report body (384 bytes).</summary>
    SgxEnclaveReport = 1,

    /// <summary>A TDX 1.0 TD report body (584 bytes).</summary>
    TdReport10 = 2,

    /// <summary>A TDX 1.5 TD report body (648 bytes: 1.0 plus TEE_TCB_SVN2 and MRSERVICETD).</summary>
    TdReport15 = 3,
}
