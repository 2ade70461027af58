using BlindAI.Attestation.Pck;

namespace BlindAI.Attestation.Quotes;

/// <summary>
/// Everything after the report body: the quote signature, the attestation key, the quoting enclave's report
/// and its signature, the QE authentication data and the PCK certificate chain. In v3 quotes these fields
/// follow each other directly; in v4/v5 the QE fields sit inside certification data of type 6, which is
/// flattened here so both shapes read the same way.
/// </summary>
internal sealed class QuoteSignatureData
{
    internal QuoteSignatureData(
        EcdsaSignature signature,
        AttestationPublicKey attestationKey,
        SgxReportBody qeReport,
        EcdsaSignature qeReportSignature,
        QeAuthenticationData qeAuthenticationData,
        CertificationDataType certificationDataType,
        ReadOnlyMemory<byte> certificationData,
        PckCertificateChain pckCertificateChain)
    {
        Signature = signature;
        AttestationKey = attestationKey;
        QeReport = qeReport;
        QeReportSignature = qeReportSignature;
        QeAuthenticationData = qeAuthenticationData;
        CertificationDataType = certificationDataType;
        CertificationData = certificationData;
        PckCertificateChain = pckCertificateChain;
    }

    /// <summary>The quote signature over <see cref="Quote.SignedRegion"/>, made with <see cref="AttestationKey"/>.</summary>
    public EcdsaSignature Signature { get; }

    /// <summary>The attestation public key, certified by the QE report data.</summary>
    public AttestationPublicKey AttestationKey { get; }

    /// <summary>The quoting enclave's report (its <see cref="SgxReportBody.Raw"/> is what the PCK key signed).</summary>
    public SgxReportBody QeReport { get; }

    /// <summary>The signature over the QE report, made with the PCK certificate's key.</summary>
    public EcdsaSignature QeReportSignature { get; }

    /// <summary>The QE authentication data.</summary>
    public QeAuthenticationData QeAuthenticationData { get; }

    /// <summary>The outer certification data type: <see cref="CertificationDataType.PckCertificateChain"/> (v3) or <see cref="CertificationDataType.QeReportCertificationData"/> (v4/v5).</summary>
    public CertificationDataType CertificationDataType { get; }

    /// <summary>The outer certification data bytes exactly as in the quote (after its type and size).</summary>
    public ReadOnlyMemory<byte> CertificationData { get; }

    /// <summary>The PCK certificate chain (leaf, PCK CA, root) from the type-5 certification data.</summary>
    public PckCertificateChain PckCertificateChain { get; }
}
