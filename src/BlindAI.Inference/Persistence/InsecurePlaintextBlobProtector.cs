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
    public byte[] Protect(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData) => plaintext.ToArray();

    /// <inheritdoc/>
    public byte[] Unprotect(ReadOnlySpan<byte> protectedBlob, ReadOnlySpan<byte> associatedData) => protectedBlob.ToArray();
}
