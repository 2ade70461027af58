namespace BlindAI.Attestation.Collateral;

/// <summary>Where and how <see cref="IntelPcsCollateralProvider"/> reaches Intel's Provisioning Certification Service.</summary>
public sealed class IntelPcsOptions
{
    /// <summary>The PCS API base address (API v4 paths are appended).</summary>
    public Uri BaseAddress { get; set; } = new("https://api.trustedservices.intel.com/");

    /// <summary>Where the Intel SGX Root CA CRL is published (the CRL distribution point of the root certificate).</summary>
    public Uri RootCaCrlAddress { get; set; } = new("https://certificates.trustedservices.intel.com/IntelSGXRootCA.der");

    /// <summary>
    /// An optional PCS subscription key, sent as <c>Ocp-Apim-Subscription-Key</c> (the v4 collateral endpoints do not
    /// require one). Never logged.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>The timeout of each HTTP request.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
