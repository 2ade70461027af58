using System.Buffers.Binary;
using System.Security.Cryptography;
using BlindAI.Enclave.Sealing;
using BlindAI.Enclave.Tests.Support;

namespace BlindAI.Enclave.Tests.Sealing;

public sealed class SealedBlobProtectorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private GramineSealingKeyProvider GramineKey(SealingKeyKind kind, byte[]? key = null)
    {
        Directory.CreateDirectory(_dir.Combine("keys"));
        string name = kind == SealingKeyKind.MrEnclave ? "_sgx_mrenclave" : "_sgx_mrsigner";
        File.WriteAllBytes(_dir.Combine("keys", name), key ?? RandomNumberGenerator.GetBytes(16));
        return new GramineSealingKeyProvider(new GramineSealingKeyProviderOptions { AttestationRoot = _dir.Path, Kind = kind });
    }

    private static readonly byte[] Model = RandomNumberGenerator.GetBytes(10_000);
    private static readonly byte[] ModelId = "model-42"u8.ToArray();

    [Fact]
    public async Task Round_trips_with_the_same_key_and_associated_data()
    {
        var protector = new SealedBlobProtector(GramineKey(SealingKeyKind.MrEnclave));
        byte[] blob = await protector.SealAsync(Model, ModelId, CancellationToken.None);
        Assert.Equal(Model.Length + SealedBlobProtector.Overhead, blob.Length);
        Assert.Equal("BAIS"u8.ToArray(), blob[..4]);
        Assert.Equal(SealedBlobProtector.FormatVersion, blob[4]);
        Assert.Equal((byte)SealingKeyKind.MrEnclave, blob[5]);
        Assert.Equal(Model, await protector.UnsealAsync(blob, ModelId, CancellationToken.None));
    }

    [Fact]
    public async Task Sealing_twice_gives_different_blobs()
    {
        var protector = new SealedBlobProtector(GramineKey(SealingKeyKind.MrEnclave));
        Assert.NotEqual(await protector.SealAsync(Model, ModelId, CancellationToken.None), await protector.SealAsync(Model, ModelId, CancellationToken.None));
    }

    [Fact]
    public async Task Every_tampered_byte_is_detected()
    {
        var protector = new SealedBlobProtector(GramineKey(SealingKeyKind.MrEnclave));
        byte[] blob = await protector.SealAsync("small secret"u8.ToArray(), ModelId, CancellationToken.None);
        for (int i = 0; i < blob.Length; i++)
        {
            byte[] tampered = (byte[])blob.Clone();
            tampered[i] ^= 0x01;
            var e = await Assert.ThrowsAsync<SealingException>(() => protector.UnsealAsync(tampered, ModelId, CancellationToken.None));
            EnclaveErrorReason expected = i switch
            {
                < 4 => EnclaveErrorReason.SealedBlobMalformed,
                4 => EnclaveErrorReason.SealedBlobUnsupportedVersion,
                5 => EnclaveErrorReason.SealingKeyKindMismatch,
                _ => EnclaveErrorReason.SealedBlobAuthenticationFailed,
            };
            Assert.Equal(expected, e.Reason);
        }
    }

    [Fact]
    public async Task Wrong_associated_data_is_rejected()
    {
        var protector = new SealedBlobProtector(GramineKey(SealingKeyKind.MrEnclave));
        byte[] blob = await protector.SealAsync(Model, ModelId, CancellationToken.None);
        var e = await Assert.ThrowsAsync<SealingException>(() => protector.UnsealAsync(blob, "model-43"u8.ToArray(), CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.SealedBlobAuthenticationFailed, e.Reason);
    }

    [Fact]
    public async Task A_different_enclave_key_cannot_unseal()
    {
        byte[] blob = await new SealedBlobProtector(GramineKey(SealingKeyKind.MrEnclave)).SealAsync(Model, ModelId, CancellationToken.None);
        var otherEnclave = new SealedBlobProtector(GramineKey(SealingKeyKind.MrEnclave));
        var e = await Assert.ThrowsAsync<SealingException>(() => otherEnclave.UnsealAsync(blob, ModelId, CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.SealedBlobAuthenticationFailed, e.Reason);
    }

    [Fact]
    public async Task A_blob_sealed_with_mrsigner_is_refused_by_an_mrenclave_protector()
    {
        byte[] key = RandomNumberGenerator.GetBytes(16);
        byte[] blob = await new SealedBlobProtector(GramineKey(SealingKeyKind.MrSigner, key)).SealAsync(Model, ModelId, CancellationToken.None);
        var e = await Assert.ThrowsAsync<SealingException>(() => new SealedBlobProtector(GramineKey(SealingKeyKind.MrEnclave, key)).UnsealAsync(blob, ModelId, CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.SealingKeyKindMismatch, e.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(33)]
    public async Task Too_short_input_is_malformed(int length)
    {
        var protector = new SealedBlobProtector(GramineKey(SealingKeyKind.MrEnclave));
        var e = await Assert.ThrowsAsync<SealingException>(() => protector.UnsealAsync(new byte[length], ModelId, CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.SealedBlobMalformed, e.Reason);
    }

    [Fact]
    public async Task Empty_plaintext_round_trips()
    {
        var protector = new SealedBlobProtector(GramineKey(SealingKeyKind.MrSigner));
        byte[] blob = await protector.SealAsync(ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        Assert.Empty(await protector.UnsealAsync(blob, ReadOnlyMemory<byte>.Empty, CancellationToken.None));
    }

    [Fact]
    public async Task Gramine_key_missing_under_gramine_direct_or_outside_sgx_is_a_typed_error()
    {
        var provider = new GramineSealingKeyProvider(new GramineSealingKeyProviderOptions { AttestationRoot = _dir.Combine("nowhere") });
        var e = await Assert.ThrowsAsync<SealingException>(() => new SealedBlobProtector(provider).SealAsync(Model, ModelId, CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.SealingKeyUnavailable, e.Reason);
    }

    [Fact]
    public async Task Gramine_key_of_the_wrong_length_is_refused()
    {
        var e = await Assert.ThrowsAsync<SealingException>(() => GramineKey(SealingKeyKind.MrEnclave, new byte[15]).GetKeyAsync(CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.InvalidSealingKey, e.Reason);
    }

    [Fact]
    public async Task Simulation_key_file_is_created_once_private_and_reused()
    {
        string path = _dir.Combine("sim", "sealing.key");
        var first = new FileSealingKeyProvider(new FileSealingKeyProviderOptions { KeyFile = path, CreateIfMissing = true });
        byte[] blob = await new SealedBlobProtector(first).SealAsync(Model, ModelId, CancellationToken.None);
        Assert.Equal(FileSealingKeyProvider.KeyLength, new FileInfo(path).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var second = new FileSealingKeyProvider(new FileSealingKeyProviderOptions { KeyFile = path });
        Assert.Equal(Model, await new SealedBlobProtector(second).UnsealAsync(blob, ModelId, CancellationToken.None));
    }

    [Fact]
    public async Task Simulation_key_file_is_not_created_unless_asked()
    {
        var provider = new FileSealingKeyProvider(new FileSealingKeyProviderOptions { KeyFile = _dir.Combine("absent.key") });
        var e = await Assert.ThrowsAsync<SealingException>(() => provider.GetKeyAsync(CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.SealingKeyUnavailable, e.Reason);
        Assert.False(File.Exists(_dir.Combine("absent.key")));
    }

    [Theory]
    [InlineData(16, SealingKeyKind.MrEnclave)]
    [InlineData(32, SealingKeyKind.SimulationFile)]
    [InlineData(64, SealingKeyKind.MrSigner)]
    public async Task Keys_of_every_supported_length_derive_the_documented_HKDF_key(int length, SealingKeyKind kind)
    {
        // The derivation DEPLOYING.md §5 documents, recomputed here: HKDF-SHA256, no salt, info "BlindAI sealed blob v1".
        byte[] platformKey = RandomNumberGenerator.GetBytes(length);
        var protector = new SealedBlobProtector(new FixedKey(kind, platformKey));
        byte[] blob = await protector.SealAsync(Model, ModelId, CancellationToken.None);

        byte[] derived = HKDF.DeriveKey(HashAlgorithmName.SHA256, platformKey, 32, salt: [], info: "BlindAI sealed blob v1"u8.ToArray());
        byte[] aad = [.. blob[..18], 0, 0, 0, 0, .. ModelId];
        BinaryPrimitives.WriteUInt32BigEndian(aad.AsSpan(18), (uint)ModelId.Length);
        byte[] plaintext = new byte[blob.Length - SealedBlobProtector.Overhead];
        using (var aes = new AesGcm(derived, 16))
        {
            aes.Decrypt(blob.AsSpan(6, 12), blob.AsSpan(18, plaintext.Length), blob.AsSpan(18 + plaintext.Length), plaintext, aad);
        }

        Assert.Equal(Model, plaintext);
        Assert.Equal(Model, await protector.UnsealAsync(blob, ModelId, CancellationToken.None));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(15)]
    public async Task A_platform_key_shorter_than_16_bytes_is_refused_and_cleared(int length)
    {
        // The Gramine and file providers check their own lengths; this is the protector's floor for any other provider.
        byte[] platformKey = Enumerable.Repeat((byte)0xA5, length).ToArray();
        var provider = new FixedKey(SealingKeyKind.MrEnclave, platformKey);
        var seal = await Assert.ThrowsAsync<SealingException>(() => new SealedBlobProtector(provider).SealAsync(Model, ModelId, CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.InvalidSealingKey, seal.Reason);
        Assert.Contains($"is {length} bytes; expected at least 16", seal.Message, StringComparison.Ordinal);
        Assert.All(provider.Handed, key => Assert.All(key, b => Assert.Equal(0, b)));
    }

    [Fact]
    public async Task Every_platform_key_handed_out_is_cleared_after_sealing_and_unsealing()
    {
        var provider = new FixedKey(SealingKeyKind.MrSigner, RandomNumberGenerator.GetBytes(16));
        var protector = new SealedBlobProtector(provider);
        byte[] blob = await protector.SealAsync(Model, ModelId, CancellationToken.None);
        await protector.UnsealAsync(blob, ModelId, CancellationToken.None);
        blob[^1] ^= 1;
        await Assert.ThrowsAsync<SealingException>(() => protector.UnsealAsync(blob, ModelId, CancellationToken.None));

        Assert.Equal(3, provider.Handed.Count);
        Assert.All(provider.Handed, key => Assert.All(key, b => Assert.Equal(0, b)));
    }

    [Theory]
    [InlineData(29)]
    [InlineData(1000)]
    public async Task A_blob_in_the_previous_model_store_layout_is_refused_as_an_unsupported_version(int length)
    {
        // Byte 1, nonce, tag, ciphertext: what the model store wrote with the raw key before sealing had one format.
        byte[] previous = RandomNumberGenerator.GetBytes(length);
        previous[0] = 1;
        var e = await Assert.ThrowsAsync<SealingException>(() => new SealedBlobProtector(GramineKey(SealingKeyKind.MrEnclave)).UnsealAsync(previous, ModelId, CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.SealedBlobUnsupportedVersion, e.Reason);
        Assert.Contains("previous version", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sealing_failures_are_cryptographic_exceptions_for_callers_that_do_not_know_this_package()
    {
        // The inference engine restores a store by skipping blobs that throw CryptographicException (it does not reference this package).
        var protector = new SealedBlobProtector(GramineKey(SealingKeyKind.MrEnclave));
        CryptographicException e = await Assert.ThrowsAnyAsync<CryptographicException>(() => protector.UnsealAsync(new byte[40], ModelId, CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.SealedBlobMalformed, Assert.IsType<SealingException>(e).Reason);
    }

    [Fact]
    public async Task One_protector_seals_and_unseals_from_many_threads_at_once()
    {
        var protector = new SealedBlobProtector(GramineKey(SealingKeyKind.MrEnclave));
        byte[][] plaintexts = [.. Enumerable.Range(0, 32).Select(_ => RandomNumberGenerator.GetBytes(100_000))];
        byte[][] blobs = await Task.WhenAll(plaintexts.Select(p => Task.Run(() => protector.SealAsync(p, ModelId, CancellationToken.None))));
        byte[][] back = await Task.WhenAll(blobs.Select(b => Task.Run(() => protector.UnsealAsync(b, ModelId, CancellationToken.None))));
        Assert.Equal(plaintexts, back);
    }

    /// <summary>A provider returning a copy of one key each time, and remembering each copy to check it was cleared.</summary>
    private sealed class FixedKey(SealingKeyKind kind, byte[] key) : ISealingKeyProvider
    {
        public List<byte[]> Handed { get; } = [];

        public SealingKeyKind Kind => kind;

        public Task<byte[]> GetKeyAsync(CancellationToken cancellationToken)
        {
            byte[] copy = (byte[])key.Clone();
            lock (Handed)
            {
                Handed.Add(copy);
            }

            return Task.FromResult(copy);
        }
    }
}
