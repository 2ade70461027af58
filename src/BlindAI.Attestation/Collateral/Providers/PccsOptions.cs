namespace BlindAI.Attestation.Collateral;

/// <summary>Where and how <see cref="PccsCollateralProvider"/> reaches a PCCS (Intel's caching service, or a compatible cache).</summary>
public sealed class PccsOptions
{
    /// <summary>The PCCS base address, for example <c>https://pccs.example:8081/</c> (API v4 paths are appended). Required.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>An optional API key, sent in <see cref="ApiKeyHeaderName"/>. Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The header that carries <see cref="ApiKey"/> (default <c>Ocp-Apim-Subscription-Key</c>, as Azure's cache expects).</summary>
    public string ApiKeyHeaderName { get; set; } = "Ocp-Apim-Subscription-Key";

    /// <summary>The timeout of each HTTP request.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// DANGEROUS: SHA-256 (hex) of a self-signed PCCS server certificate to accept although no trusted CA issued it (a
    /// default PCCS install generates such a certificate). Only the certificate with exactly this hash is accepted.
    /// Collateral is signed by Intel and verified regardless, so this affects who can see and block requests, not
    /// whether forged collateral is accepted. Leave <see langword="null"/> to require normal TLS validation.
    /// </summary>
    public string? DangerousAcceptSelfSignedCertificateSha256 { get; set; }
}
