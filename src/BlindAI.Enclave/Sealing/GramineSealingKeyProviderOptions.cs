namespace BlindAI.Enclave.Sealing;

/// <summary>Which Gramine sealing key to use and where Gramine exposes it.</summary>
internal sealed record GramineSealingKeyProviderOptions
{
    /// <summary>The attestation root, <c>/dev/attestation</c> by default; the keys live in its <c>keys</c> folder.</summary>
    public string AttestationRoot { get; init; } = Quoting.GramineQuoteProviderOptions.DefaultAttestationRoot;

    /// <summary>MRENCLAVE (default: only this build unseals) or MRSIGNER (later builds of the same signer unseal too).</summary>
    public SealingKeyKind Kind { get; init; } = SealingKeyKind.MrEnclave;
}
