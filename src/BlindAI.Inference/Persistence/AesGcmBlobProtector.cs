using System.Security.Cryptography;

namespace BlindAI.Inference.Persistence;

/// <summary>
/// AES-256-GCM with a random 96-bit nonce per blob. Layout: version byte 1, nonce (12 bytes), tag (16 bytes), ciphertext.
/// The key should come from a sealing key that only the same enclave can derive. Safe to use from several threads at once.
/// </summary>
public sealed class AesGcmBlobProtector : IBlobProtector, IDisposable
{
    private const byte Version = 1;
    private const int NonceSize = 12, TagSize = 16, HeaderSize = 1 + NonceSize + TagSize;
    private readonly AesGcm _aes;

    // An AesGcm instance is not safe for concurrent use (on OpenSSL it keeps one cipher context): concurrent uploads
    // sealed at once failed or could write blobs that no longer open. The key schedule is kept, calls are serialized.
    private readonly Lock _gate = new();

    /// <summary>Creates a protector.</summary>
    /// <param name="key">A 32-byte key.</param>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public AesGcmBlobProtector(ReadOnlySpan<byte> key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException($"The key must be 32 bytes, got {key.Length}.", nameof(key));
        }

        _aes = new AesGcm(key, TagSize);
    }

    /// <inheritdoc/>
    public byte[] Protect(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var blob = new byte[HeaderSize + plaintext.Length];
        blob[0] = Version;
        Span<byte> nonce = blob.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        lock (_gate)
        {
            _aes.Encrypt(nonce, plaintext, blob.AsSpan(HeaderSize), blob.AsSpan(1 + NonceSize, TagSize), associatedData);
        }

        return blob;
    }

    /// <inheritdoc/>
    public byte[] Unprotect(ReadOnlySpan<byte> protectedBlob, ReadOnlySpan<byte> associatedData)
    {
        if (protectedBlob.Length < HeaderSize || protectedBlob[0] != Version)
        {
            throw new CryptographicException("The blob is not an AES-GCM protected blob of a known version.");
        }

        var plaintext = new byte[protectedBlob.Length - HeaderSize];
        lock (_gate)
        {
            _aes.Decrypt(protectedBlob.Slice(1, NonceSize), protectedBlob[HeaderSize..], protectedBlob.Slice(1 + NonceSize, TagSize), plaintext, associatedData);
        }

        return plaintext;
    }

    /// <summary>Releases the key schedule.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _aes.Dispose();
        }
    }
}
