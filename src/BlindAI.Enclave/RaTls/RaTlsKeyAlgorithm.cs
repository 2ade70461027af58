namespace BlindAI.Enclave.RaTls;

/// <summary>The key type of an RA-TLS certificate. Both are accepted by Gramine's RA-TLS verifier.</summary>
public enum RaTlsKeyAlgorithm
{
    /// <summary>ECDSA on NIST P-256, signed with SHA-256 (the default).</summary>
    EcdsaP256 = 0,

    /// <summary>ECDSA on NIST P-384, signed with SHA-384 (what Gramine itself generates).</summary>
    EcdsaP384,
}
