namespace BlindAI.Attestation.Pck;

/// <summary>The Intel CA that issued a PCK certificate; it selects the PCK CRL (<c>pckcrl?ca=platform|processor</c>).</summary>
public enum PckCaType
{
    /// <summary>Issued by "Intel SGX PCK Platform CA" (multi-package platforms, the usual server case).</summary>
    Platform = 1,

    /// <summary>Issued by "Intel SGX PCK Processor CA".</summary>
    Processor,
}
