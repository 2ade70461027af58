using BlindAI.Inference.Persistence;

namespace BlindAI.Inference.Tests.Support;

/// <summary>Stores blobs as they are, for tests of the repository's own checks (the SHA-256 on restore, names, links).</summary>
internal sealed class PlaintextBlobProtector : IBlobProtector
{
    public static PlaintextBlobProtector Instance { get; } = new();

    public Task<byte[]> ProtectAsync(ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken) =>
        Task.FromResult(plaintext.ToArray());

    public Task<byte[]> UnprotectAsync(ReadOnlyMemory<byte> protectedBlob, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken) =>
        Task.FromResult(protectedBlob.ToArray());
}
