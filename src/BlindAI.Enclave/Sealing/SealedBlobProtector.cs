using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using BlindAI.Enclave.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlindAI.Enclave.Sealing;

/// <summary>
/// The one sealing of data at rest: AES-256-GCM under a key derived with HKDF-SHA256 from the platform sealing key
/// (the model store of the sample host seals through it too).
/// </summary>
/// <remarks>
/// <para>
/// Key: for every call the platform key is read from the <see cref="ISealingKeyProvider"/> (16 bytes from Gramine's
/// <c>keys/_sgx_mrenclave</c> or <c>keys/_sgx_mrsigner</c>, 32 from the simulation key file; shorter than 16 bytes is
/// refused) and the AES-256 key derived as HKDF-SHA256(input key = platform key, salt = none (RFC 5869: 32 zero bytes),
/// info = ASCII <c>"BlindAI sealed blob v1"</c>, 32 bytes). Both are zeroed before the call returns, so no key outlives
/// a call and one instance serves concurrent callers. The derivation keeps this key apart from Gramine's own use of the
/// same platform key (its encrypted mounts). A 16-byte key gives 128-bit security: HKDF widens it, it cannot strengthen it.
/// </para>
/// <para>
/// Blob format v1: <c>"BAIS"</c> · version (1 byte, 1) · key kind (1 byte, <see cref="SealingKeyKind"/>) · nonce (12,
/// random) · ciphertext · tag (16). The associated data of AES-GCM is the header (magic to nonce) · the caller's
/// associated data length (4 bytes, big-endian) · the caller's associated data, which is not stored.
/// </para>
/// </remarks>
/// <example>
/// Registered by <c>AddBlindAIEnclave</c> with the sealing key its options name:
/// <code>
/// SealedBlobProtector sealing = services.GetRequiredService&lt;SealedBlobProtector&gt;();
/// byte[] blob = await sealing.SealAsync(model, "models/1"u8.ToArray(), ct);
/// byte[] again = await sealing.UnsealAsync(blob, "models/1"u8.ToArray(), ct); // SealingException if tampered or moved
/// </code>
/// </example>
public sealed class SealedBlobProtector
{
    /// <summary>The current format version (the byte after the magic).</summary>
    public const byte FormatVersion = 1;

    /// <summary>Header (magic, version, key kind, nonce) plus tag: the overhead of a sealed blob, 34 bytes.</summary>
    public const int Overhead = HeaderLength + TagLength;

    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int HeaderLength = 6 + NonceLength;

    /// <summary>The shortest platform key accepted: Gramine's SGX sealing keys are 16 bytes.</summary>
    private const int MinimumKeyLength = 16;

    /// <summary>The header of the model store's blobs before sealing had one format: a version byte 1, the nonce and the tag.</summary>
    private const int PreviousModelStoreHeaderLength = 1 + NonceLength + TagLength;

    private static readonly byte[] Magic = "BAIS"u8.ToArray();
    private static readonly byte[] KdfInfo = Encoding.ASCII.GetBytes("BlindAI sealed blob v1");

    private readonly ISealingKeyProvider _keyProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the protector; adopters get it from <c>AddBlindAIEnclave</c>, which picks the key provider from the options.</summary>
    /// <param name="keyProvider">The platform sealing key.</param>
    /// <param name="logger">Logger; never receives keys or plaintext.</param>
    internal SealedBlobProtector(ISealingKeyProvider keyProvider, ILogger<SealedBlobProtector>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(keyProvider);
        _keyProvider = keyProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Seals <paramref name="plaintext"/>, binding <paramref name="associatedData"/> (which is not stored).</summary>
    /// <param name="plaintext">The data to protect.</param>
    /// <param name="associatedData">Context that must be presented again to unseal, for example a model id.</param>
    /// <param name="cancellationToken">Cancels reading the key.</param>
    /// <returns>The sealed blob.</returns>
    /// <exception cref="SealingException">The sealing key is unavailable or malformed.</exception>
    public async Task<byte[]> SealAsync(ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken)
    {
        byte[] blob = new byte[HeaderLength + plaintext.Length + TagLength];
        Magic.CopyTo(blob, 0);
        blob[4] = FormatVersion;
        blob[5] = (byte)_keyProvider.Kind;
        RandomNumberGenerator.Fill(blob.AsSpan(6, NonceLength));

        using AesGcm aes = await CreateCipherAsync(cancellationToken).ConfigureAwait(false);
        byte[] aad = AssociatedData(blob.AsSpan(0, HeaderLength), associatedData.Span);
        aes.Encrypt(
            blob.AsSpan(6, NonceLength),
            plaintext.Span,
            blob.AsSpan(HeaderLength, plaintext.Length),
            blob.AsSpan(HeaderLength + plaintext.Length, TagLength),
            aad);
        return blob;
    }

    /// <summary>Unseals a blob made by <see cref="SealAsync"/> with the same key kind and associated data.</summary>
    /// <param name="sealedBlob">The sealed blob.</param>
    /// <param name="associatedData">The associated data given when sealing.</param>
    /// <param name="cancellationToken">Cancels reading the key.</param>
    /// <returns>The plaintext.</returns>
    /// <exception cref="SealingException">The blob is malformed, of another version or key kind, tampered with, or sealed under another key.</exception>
    public async Task<byte[]> UnsealAsync(ReadOnlyMemory<byte> sealedBlob, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken)
    {
        try
        {
            CheckHeader(sealedBlob.Span);
            using AesGcm aes = await CreateCipherAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySpan<byte> blob = sealedBlob.Span;
            int length = blob.Length - Overhead;
            byte[] plaintext = new byte[length];
            byte[] aad = AssociatedData(blob[..HeaderLength], associatedData.Span);
            try
            {
                aes.Decrypt(blob.Slice(6, NonceLength), blob.Slice(HeaderLength, length), blob.Slice(HeaderLength + length, TagLength), plaintext, aad);
            }
            catch (AuthenticationTagMismatchException e)
            {
                throw new SealingException(
                    EnclaveErrorReason.SealedBlobAuthenticationFailed,
                    "The sealed blob does not authenticate: it or its associated data was changed, or it was sealed under another key (another enclave or signer).",
                    e);
            }

            return plaintext;
        }
        catch (SealingException e)
        {
            EnclaveLog.UnsealFailed(_logger, e.Reason);
            throw;
        }
    }

    private void CheckHeader(ReadOnlySpan<byte> blob)
    {
        if (blob.Length >= PreviousModelStoreHeaderLength && blob[0] == 1)
        {
            // Not the magic ('B' is 0x42): the layout the sample host's model store wrote before it sealed through
            // this class, with the raw key and no HKDF. Such blobs are not read (no deployment could have written one
            // with Gramine's key: it crashed at start-up); the reason tells an operator to upload again.
            throw new SealingException(
                EnclaveErrorReason.SealedBlobUnsupportedVersion,
                "The blob starts with format byte 1 instead of 'BAIS': it was written by the model store of a previous version (AES-GCM under the raw key, without HKDF), which is no longer read. Upload the model again.");
        }

        if (blob.Length < Overhead || !blob[..4].SequenceEqual(Magic))
        {
            throw new SealingException(EnclaveErrorReason.SealedBlobMalformed, $"Not a BlindAI sealed blob ({blob.Length} bytes; needs at least {Overhead} and the magic 'BAIS').");
        }

        if (blob[4] != FormatVersion)
        {
            throw new SealingException(EnclaveErrorReason.SealedBlobUnsupportedVersion, $"Sealed blob format version {blob[4]} is not supported (only {FormatVersion}).");
        }

        if (blob[5] != (byte)_keyProvider.Kind)
        {
            throw new SealingException(
                EnclaveErrorReason.SealingKeyKindMismatch,
                $"The blob was sealed with key kind {(SealingKeyKind)blob[5]}, but this protector uses {_keyProvider.Kind}.");
        }
    }

    private async Task<AesGcm> CreateCipherAsync(CancellationToken cancellationToken)
    {
        byte[] platformKey = await _keyProvider.GetKeyAsync(cancellationToken).ConfigureAwait(false);
        byte[] key = new byte[32];
        try
        {
            // The providers check their own lengths; a custom provider must not get a weak key through HKDF unnoticed.
            if (platformKey.Length < MinimumKeyLength)
            {
                throw new SealingException(
                    EnclaveErrorReason.InvalidSealingKey,
                    $"The {_keyProvider.Kind} sealing key is {platformKey.Length} bytes; expected at least {MinimumKeyLength}.");
            }

            // A derived key separates this use from any other use of the platform sealing key (e.g. Gramine's encrypted files).
            HKDF.DeriveKey(HashAlgorithmName.SHA256, platformKey, key, salt: [], info: KdfInfo);
            return new AesGcm(key, TagLength);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(platformKey);
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] AssociatedData(ReadOnlySpan<byte> header, ReadOnlySpan<byte> callerData)
    {
        // header || u32 length || caller data: unambiguous even though the header has a fixed size.
        byte[] aad = new byte[header.Length + 4 + callerData.Length];
        header.CopyTo(aad);
        BinaryPrimitives.WriteUInt32BigEndian(aad.AsSpan(header.Length), (uint)callerData.Length);
        callerData.CopyTo(aad.AsSpan(header.Length + 4));
        return aad;
    }
}
