namespace BlindAI.Attestation;

/// <summary>The step of attestation that failed, in the order Intel's quote verification library runs them.</summary>
public enum VerificationStep
{
    /// <summary>Reading the quote, certificates or collateral.</summary>
    Parse = 1,

    /// <summary>Building the PCK certificate chain to the trusted root.</summary>
    PckCertificateChain,

    /// <summary>Checking the root CA CRL.</summary>
    RootCaCrl,

    /// <summary>Checking the PCK (platform or processor) CA CRL.</summary>
    PckCrl,

    /// <summary>Verifying the TCB signing chain and the TCB Info signature.</summary>
    TcbInfoSignature,

    /// <summary>Verifying the QE Identity signature.</summary>
    QeIdentitySignature,

    /// <summary>Checking the validity windows of every piece of collateral.</summary>
    CollateralValidity,

    /// <summary>Verifying the QE report signature with the PCK key.</summary>
    QeReportSignature,

    /// <summary>Checking that the QE report data binds the attestation key and QE authentication data.</summary>
    QeReportData,

    /// <summary>Matching the QE report against the QE Identity.</summary>
    QeIdentity,

    /// <summary>Matching the PCK certificate's FMSPC and PCE-ID against the TCB Info.</summary>
    PlatformIdentity,

    /// <summary>Finding the TCB level of the platform (and the TDX module).</summary>
    TcbLevel,

    /// <summary>Verifying the quote signature with the attestation key.</summary>
    QuoteSignature,

    /// <summary>Evaluating the attestation policy.</summary>
    Policy,

    /// <summary>Checking that the evidence binds the TLS certificate's public key.</summary>
    CertificateBinding,

    /// <summary>Checking that fresh evidence binds the client's nonce.</summary>
    Freshness,
}
