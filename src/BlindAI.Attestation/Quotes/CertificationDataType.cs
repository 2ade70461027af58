namespace BlindAI.Attestation.Quotes;

/// <summary>The type of a quote's certification data (how the verifier finds the PCK certificate).</summary>
internal enum CertificationDataType : ushort
{
    /// <summary>PPID in clear text with CPUSVN, PCESVN and PCE-ID (not supported).</summary>
    PpidCleartext = 1,

    /// <summary>PPID encrypted with RSA-2048-OAEP (not supported).</summary>
    PpidEncryptedRsa2048 = 2,

    /// <summary>PPID encrypted with RSA-3072-OAEP (not supported).</summary>
    PpidEncryptedRsa3072 = 3,

    /// <summary>The PCK leaf certificate alone (not supported).</summary>
    PckCertificate = 4,

    /// <summary>The PCK certificate chain as concatenated PEM: leaf, PCK CA, root (supported).</summary>
    PckCertificateChain = 5,

    /// <summary>QE report certification data: QE report, its signature, QE authentication data and nested certification data (v4/v5; supported when it nests type 5).</summary>
    QeReportCertificationData = 6,

    /// <summary>A platform manifest (not supported).</summary>
    PlatformManifest = 7,
}
