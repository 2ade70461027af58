namespace BlindAI.Enclave.Sealing;

/// <summary>Reads Gramine's read-only SGX sealing keys, <c>keys/_sgx_mrenclave</c> or <c>keys/_sgx_mrsigner</c> (16 bytes each).</summary>
internal sealed class GramineSealingKeyProvider : ISealingKeyProvider
{
    private readonly string _path;

    /// <summary>Creates the provider.</summary>
    /// <param name="options">Which key, and where Gramine exposes it.</param>
    public GramineSealingKeyProvider(GramineSealingKeyProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.AttestationRoot);
        string name = options.Kind switch
        {
            SealingKeyKind.MrEnclave => "_sgx_mrenclave",
            SealingKeyKind.MrSigner => "_sgx_mrsigner",
            _ => throw new ArgumentException("Gramine sealing keys are MrEnclave or MrSigner.", nameof(options)),
        };
        Kind = options.Kind;
        _path = Path.Combine(options.AttestationRoot, "keys", name);
    }

    /// <inheritdoc />
    public SealingKeyKind Kind { get; }

    /// <inheritdoc />
    public Task<byte[]> GetKeyAsync(CancellationToken cancellationToken) =>
        SealingKeyFiles.ReadKeyAsync(_path, allowedLengths: [16], "Gramine sealing key", cancellationToken);
}
