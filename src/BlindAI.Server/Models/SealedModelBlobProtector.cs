using BlindAI.Enclave.Sealing;
using BlindAI.Inference.Persistence;

namespace BlindAI.Server.Models;

/// <summary>
/// The model store's <see cref="IBlobProtector"/>: every blob goes through <see cref="SealedBlobProtector"/>, the one
/// sealing of the libraries (AES-256-GCM, key derived with HKDF-SHA256 from the platform sealing key of any supported
/// length). It lives in the host because the inference library, which defines the abstraction, does not reference the
/// enclave library. Its failures are <see cref="SealingException"/>s, which are the
/// <see cref="System.Security.Cryptography.CryptographicException"/>s the repository contract names, so the engine skips
/// a blob that does not open and restores the others.
/// </summary>
internal sealed class SealedModelBlobProtector : IBlobProtector
{
    private readonly SealedBlobProtector _sealing;

    public SealedModelBlobProtector(SealedBlobProtector sealing)
    {
        ArgumentNullException.ThrowIfNull(sealing);
        _sealing = sealing;
    }

    public Task<byte[]> ProtectAsync(ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken) =>
        _sealing.SealAsync(plaintext, associatedData, cancellationToken);

    public Task<byte[]> UnprotectAsync(ReadOnlyMemory<byte> protectedBlob, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken) =>
        _sealing.UnsealAsync(protectedBlob, associatedData, cancellationToken);
}
