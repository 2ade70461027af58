namespace BlindAI.Inference.Persistence;

/// <summary>
/// Protects the blobs <see cref="IModelRepository.CreateDirectory"/> writes to disk: confidentiality and integrity, bound to
/// associated data that names the blob. A host in an enclave implements it over its sealing (the sample host forwards
/// to <c>BlindAI.Enclave.Sealing.SealedBlobProtector</c>, AES-256-GCM under an HKDF-SHA256 key derived from the
/// enclave's sealing key); this package holds no sealing of its own.
/// </summary>
public interface IBlobProtector
{
    /// <summary>Protects a blob.</summary>
    /// <param name="plaintext">The bytes to protect.</param>
    /// <param name="associatedData">Authenticated but not encrypted context (which model and which part); the same bytes must be given to <see cref="UnprotectAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the call (for example while the key is read).</param>
    /// <returns>The protected blob.</returns>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The blob cannot be protected (for example the key is unavailable).</exception>
    Task<byte[]> ProtectAsync(ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken);

    /// <summary>Recovers a protected blob.</summary>
    /// <param name="protectedBlob">The output of <see cref="ProtectAsync"/>.</param>
    /// <param name="associatedData">The associated data given to <see cref="ProtectAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plaintext.</returns>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The blob was altered, moved to another name, is of an unknown format, or was protected under another key.</exception>
    Task<byte[]> UnprotectAsync(ReadOnlyMemory<byte> protectedBlob, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken);
}
