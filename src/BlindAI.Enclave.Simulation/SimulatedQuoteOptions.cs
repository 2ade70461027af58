namespace BlindAI.Enclave.Simulation;

/// <summary>Per-quote choices; anything left <see langword="null"/> comes from the platform's options.</summary>
internal sealed record SimulatedQuoteOptions
{
    /// <summary>The quote layout.</summary>
    public SimulatedQuoteFormat? Format { get; init; }

    /// <summary>The SGX enclave identity (SGX formats).</summary>
    public SimulatedSgxEnclave? Enclave { get; init; }

    /// <summary>The TD identity (TDX formats).</summary>
    public SimulatedTdIdentity? TrustDomain { get; init; }

    /// <summary>
    /// PEM text to embed as certification data type 5 instead of the platform's PCK chain (leaf, platform CA, root),
    /// for example a chain with a corrupted signature.
    /// </summary>
    public string? PckCertificateChainPem { get; init; }
}
