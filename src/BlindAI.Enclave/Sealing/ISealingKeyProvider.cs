namespace BlindAI.Enclave.Sealing;

/// <summary>Supplies the key material that seals data at rest.</summary>
internal interface ISealingKeyProvider
{
    /// <summary>Which key this provider returns.</summary>
    SealingKeyKind Kind { get; }

    /// <summary>
    /// Reads the sealing key: 16 bytes from Gramine, 32 from a key file (<see cref="SealedBlobProtector"/> refuses fewer
    /// than 16). Callers must clear it after use.
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The raw key.</returns>
    /// <exception cref="SealingException">The key is unavailable or malformed.</exception>
    Task<byte[]> GetKeyAsync(CancellationToken cancellationToken);
}
