namespace BlindAI.Attestation.Pck;

/// <summary>The platform configuration a PCK Platform CA certificate states (OID 1.2.840.113741.1.13.1.7); each flag is optional.</summary>
internal sealed class PckPlatformConfiguration
{
    internal PckPlatformConfiguration(bool? dynamicPlatform, bool? cachedKeys, bool? smtEnabled)
    {
        DynamicPlatform = dynamicPlatform;
        CachedKeys = cachedKeys;
        SmtEnabled = smtEnabled;
    }

    /// <summary>Whether packages can be added to the platform (.7.1), or <see langword="null"/> when absent.</summary>
    public bool? DynamicPlatform { get; }

    /// <summary>Whether platform root keys are cached by Intel (.7.2), or <see langword="null"/> when absent.</summary>
    public bool? CachedKeys { get; }

    /// <summary>Whether simultaneous multithreading is enabled (.7.3), or <see langword="null"/> when absent.</summary>
    public bool? SmtEnabled { get; }
}
