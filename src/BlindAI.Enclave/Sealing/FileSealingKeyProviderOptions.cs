namespace BlindAI.Enclave.Sealing;

/// <summary>Where the simulation sealing key file lives.</summary>
internal sealed record FileSealingKeyProviderOptions
{
    /// <summary>The key file: 32 raw bytes.</summary>
    public required string KeyFile { get; init; }

    /// <summary>Whether to create the file with a fresh random key (owner read/write only) when it does not exist. Off by default.</summary>
    public bool CreateIfMissing { get; init; }
}
