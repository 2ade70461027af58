namespace BlindAI.Enclave.Quoting;

/// <summary>Where Gramine's attestation pseudo-files live.</summary>
internal sealed record GramineQuoteProviderOptions
{
    /// <summary>The default root, <c>/dev/attestation</c>.</summary>
    public const string DefaultAttestationRoot = "/dev/attestation";

    /// <summary>The folder holding <c>attestation_type</c>, <c>user_report_data</c> and <c>quote</c>. Tests point it at a temporary folder.</summary>
    public string AttestationRoot { get; init; } = DefaultAttestationRoot;
}
