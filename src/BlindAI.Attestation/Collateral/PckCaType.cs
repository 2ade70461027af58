namespace BlindAI.Attestation.Collateral;

/// <summary>Which Intel PCK CA issued a PCK certificate, and so which PCK CRL applies (PCS <c>ca=</c> parameter).</summary>
public enum PckCaType
{
    /// <summary>Intel SGX PCK Platform CA (<c>ca=platform</c>): multi-package platforms and registered servers.</summary>
    Platform,

    /// <summary>Intel SGX PCK Processor CA (<c>ca=processor</c>): single-package platforms.</summary>
    Processor,
}
