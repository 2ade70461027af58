namespace BlindAI.Enclave.Sealing;

/// <summary>Which key seals data. Its numeric value is written into every sealed blob.</summary>
public enum SealingKeyKind
{
    /// <summary>SGX sealing key bound to MRENCLAVE: only this exact enclave build can unseal.</summary>
    MrEnclave = 1,

    /// <summary>SGX sealing key bound to MRSIGNER: any enclave from the same signer (with the same product id) can unseal.</summary>
    MrSigner = 2,

    /// <summary>A key read from a file: simulation only, protects nothing against the host.</summary>
    SimulationFile = 3,
}
