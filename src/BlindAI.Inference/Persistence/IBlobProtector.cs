namespace BlindAI.Inference.Persistence;

/// <summary>
/// Protects the blobs <see cref="DirectoryModelRepository"/> writes to disk: confidentiality and integrity, bound to
/// associated data that names the blob. A host in an enclave plugs in sealing here (for example
/// <see cref="AesGcmBlobProtector"/> keyed with the enclave's sealing key).
/// </summary>
public interface IBlobProtector
{
    /// <summary>Protects a blob.</summary>
    /// <param name="plaintext">The bytes to protect.</param>
    /// <param name="associatedData">Authenticated but not encrypted context (which model and which part); the same bytes must be given to <see cref="Unprotect"/>.</param>
    /// <returns>The protected blob.</returns>
    byte[] Protect(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData);

    /// <summary>Recovers a protected blob.</summary>
    /// <param name="protectedBlob">The output of <see cref="Protect"/>.</param>
    /// <param name="associatedData">The associated data given to <see cref="Protect"/>.</param>
    /// <returns>The plaintext.</returns>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The blob was altered, moved to another name, or protected under another key.</exception>
    byte[] Unprotect(ReadOnlySpan<byte> protectedBlob, ReadOnlySpan<byte> associatedData);
}
