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
            SealingErrorReason expected = i switch
            {
                < 4 => SealingErrorReason.Malformed,
                4 => SealingErrorReason.UnsupportedVersion,
                5 => SealingErrorReason.KeyKindMismatch,
                _ => SealingErrorReason.AuthenticationFailed,
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
        Assert.Equal(SealingErrorReason.AuthenticationFailed, e.Reason);
    }

    [Fact]
    public async Task A_different_enclave_key_cannot_unseal()
    {
        byte[] blob = await new SealedBlobProtector(GramineKey(SealingKeyKind.MrEnclave)).SealAsync(Model, ModelId, CancellationToken.None);
        var otherEnclave = new SealedBlobProtector(GramineKey(SealingKeyKind.MrEnclave));
        var e = await Assert.ThrowsAsync<SealingException>(() => otherEnclave.UnsealAsync(blob, ModelId, CancellationToken.None));
        Assert.Equal(SealingErrorReason.AuthenticationFailed, e.Reason);
    }

    [Fact]
    public async Task A_blob_sealed_with_mrsigner_is_refused_by_an_mrenclave_protector()
    {
        byte[] key = RandomNumberGenerator.GetBytes(16);
        byte[] blob = await new SealedBlobProtector(GramineKey(SealingKeyKind.MrSigner, key)).SealAsync(Model, ModelId, CancellationToken.None);
        var e = await Assert.ThrowsAsync<SealingException>(() => new SealedBlobProtector(GramineKey(SealingKeyKind.MrEnclave, key)).UnsealAsync(blob, ModelId, CancellationToken.None));
        Assert.Equal(SealingErrorReason.KeyKindMismatch, e.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(33)]
    public async Task Too_short_input_is_malformed(int length)
    {
        var protector = new SealedBlobProtector(GramineKey(SealingKeyKind.MrEnclave));
        var e = await Assert.ThrowsAsync<SealingException>(() => protector.UnsealAsync(new byte[length], ModelId, CancellationToken.None));
        Assert.Equal(SealingErrorReason.Malformed, e.Reason);
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
        Assert.Equal(SealingErrorReason.KeyUnavailable, e.Reason);
    }

    [Fact]
    public async Task Gramine_key_of_the_wrong_length_is_refused()
    {
        var e = await Assert.ThrowsAsync<SealingException>(() => GramineKey(SealingKeyKind.MrEnclave, new byte[15]).GetKeyAsync(CancellationToken.None));
        Assert.Equal(SealingErrorReason.InvalidKey, e.Reason);
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
        Assert.Equal(SealingErrorReason.KeyUnavailable, e.Reason);
        Assert.False(File.Exists(_dir.Combine("absent.key")));
    }
}
