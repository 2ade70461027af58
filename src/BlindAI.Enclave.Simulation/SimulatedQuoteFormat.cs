namespace BlindAI.Enclave.Simulation;

/// <summary>The quote layouts the simulated platform produces.</summary>
public enum SimulatedQuoteFormat
{
    /// <summary>SGX ECDSA quote version 3 (SGX report body, certification data type 5).</summary>
    SgxV3 = 0,

    /// <summary>TDX quote version 4 (TD report 1.0, certification data type 6 wrapping type 5).</summary>
    TdxV4,

    /// <summary>TDX quote version 5 with body type 2 (TD report 1.0).</summary>
    TdxV5TdReport10,

    /// <summary>TDX quote version 5 with body type 3 (TD report 1.5, with TEE_TCB_SVN2 and MRSERVICETD).</summary>
    TdxV5TdReport15,
}
