namespace BlindAI.Inference.Persistence;

/// <summary>
/// Stores blobs as they are: no confidentiality and no integrity beyond the SHA-256 check of model bytes on restore.
/// An explicit opt-in for development and tests outside an enclave; never use it where the disk is untrusted.
/// </summary>
public sealed class InsecurePlaintextBlobProtector : IBlobProtector
{
    /// <summary>The single instance.</summary>
    public static InsecurePlaintextBlobProtector Instance { get; } = new();

    private InsecurePlaintextBlobProtector()
    {
    }

    /// <inheritdoc/>
    public Task<byte[]> ProtectAsync(ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled<byte[]>(cancellationToken) : Task.FromResult(plaintext.ToArray());

    /// <inheritdoc/>
    public Task<byte[]> UnprotectAsync(ReadOnlyMemory<byte> protectedBlob, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled<byte[]>(cancellationToken) : Task.FromResult(protectedBlob.ToArray());
}
