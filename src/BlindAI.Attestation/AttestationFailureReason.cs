namespace BlindAI.Attestation;

/// <summary>Why attestation rejected the evidence. Stable codes: new values are only ever added.</summary>
public enum AttestationFailureReason
{
    /// <summary>The input could not be read (see the inner <see cref="AttestationFormatException"/>).</summary>
    MalformedInput = 1,

    /// <summary>A certificate chain does not lead to the trusted root.</summary>
    UntrustedRoot,

    /// <summary>A certificate chain is broken: wrong issuer, bad signature, or not a CA.</summary>
    InvalidCertificateChain,

    /// <summary>A certificate is revoked by a CRL.</summary>
    CertificateRevoked,

    /// <summary>A certificate, CRL or collateral document is past its validity window.</summary>
    Expired,

    /// <summary>A certificate, CRL or collateral document is not valid yet.</summary>
    NotYetValid,

    /// <summary>A CRL's signature or issuer does not check out.</summary>
    InvalidCrl,

    /// <summary>A TCB Info or QE Identity signature does not verify.</summary>
    InvalidCollateralSignature,

    /// <summary>Collateral does not belong to this quote (wrong TEE type, id, version or CA).</summary>
    CollateralMismatch,

    /// <summary>The QE report signature does not verify with the PCK key.</summary>
    InvalidQeReportSignature,

    /// <summary>The QE report data does not bind the attestation key and QE authentication data.</summary>
    QeReportDataMismatch,

    /// <summary>The quoting enclave does not match the QE Identity.</summary>
    QeIdentityMismatch,

    /// <summary>The quoting enclave's TCB is revoked.</summary>
    QeTcbRevoked,

    /// <summary>The PCK certificate's FMSPC or PCE-ID differs from the TCB Info.</summary>
    PlatformMismatch,

    /// <summary>No TCB level of the TCB Info matches the platform.</summary>
    TcbLevelNotFound,

    /// <summary>The platform's TCB level is revoked.</summary>
    TcbRevoked,

    /// <summary>The quote signature does not verify with the attestation key.</summary>
    InvalidQuoteSignature,

    /// <summary>The verified evidence does not satisfy the attestation policy.</summary>
    PolicyViolation,

    /// <summary>The evidence does not bind the TLS certificate's public key.</summary>
    CertificateBindingMismatch,

    /// <summary>Fresh evidence does not carry the nonce the client sent.</summary>
    NonceMismatch,

    /// <summary>The evidence or collateral needed is missing.</summary>
    EvidenceMissing,

    /// <summary>
    /// A TCB Info, QE Identity or PCK CRL comes from a certificate that may not issue it: its issuer chain is not exactly
    /// the signer, optionally followed by the root, with the signer issued directly by the trust anchor; or the TCB Info
    /// or QE Identity signer is not the anchor's TCB signing certificate (subject, not a CA, digitalSignature key usage).
    /// </summary>
    UnauthorizedCollateralSigner = 40,

    /// <summary>
    /// The TDX module does not match the TCB Info: no module identity for its version (including TCB Info without
    /// module identities for a module that reports a version), or another module signer or attributes (Intel: TDX_MODULE_MISMATCH).
    /// </summary>
    TdxModuleMismatch = 50,

    /// <summary>
    /// A server re-attested after presenting a new certificate (renewal, restart) is another enclave or trust domain
    /// than the one first attested (MRENCLAVE, MRSIGNER, ISVPRODID; or MRTD and RTMRs; or TEE type), even if the policy
    /// accepts both: a connection never moves silently to other code.
    /// </summary>
    IdentityChanged = 51,
}
