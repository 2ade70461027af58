namespace BlindAI.Enclave.Simulation;

/// <summary>Everything that defines a simulated TEE platform. Saved as <c>platform.json</c> next to its keys.</summary>
internal sealed record SimulatedPlatformOptions
{
    /// <summary>The platform TCB (FMSPC, PCE-ID, SVNs).</summary>
    public SimulatedPlatformTcb Platform { get; init; } = new();

    /// <summary>The quoting enclave identity.</summary>
    public SimulatedQuotingEnclave QuotingEnclave { get; init; } = new();

    /// <summary>The SGX enclave whose quotes are produced by default.</summary>
    public SimulatedSgxEnclave Enclave { get; init; } = new();

    /// <summary>The TDX trust domain whose quotes are produced by default.</summary>
    public SimulatedTdIdentity TrustDomain { get; init; } = new();

    /// <summary>The quote layout the <see cref="SimulatedQuoteProvider"/> produces.</summary>
    public SimulatedQuoteFormat QuoteFormat { get; init; } = SimulatedQuoteFormat.SgxV3;

    /// <summary>Certificate validity windows.</summary>
    public SimulatedPkiOptions Pki { get; init; } = new();
}
