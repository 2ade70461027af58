using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BlindAI.Enclave.Sealing;
using BlindAI.Protocol;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Problems;
using BlindAI.Protocol.Tensors;
using BlindAI.SampleHost.Tests.Support;
using BlindAI.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlindAI.SampleHost.Tests.Server;

/// <summary>
/// The sealed model store across restarts with the key Gramine gives an enclave: <c>keys/_sgx_mrenclave</c> or
/// <c>keys/_sgx_mrsigner</c>, 16 bytes (the simulated platform's key file has 32). Every length goes through the same
/// HKDF-SHA256 derivation to the AES-256-GCM key of <see cref="SealedBlobProtector"/>. The key is read from a stand-in
/// attestation folder holding a Gramine-style key file; quotes still come from the simulated platform, which sealing
/// does not involve.
/// </summary>
public sealed class SealedRestartTests : IDisposable
{
    private static readonly Tensor[] SubtractInputs =
        [Tensor.Create<float>([5, 5, 5, 5, 5, 5], [2, 3], "A"), Tensor.Create<float>([1, 2, 3, 4, 5, 6], [2, 3], "B")];

    private readonly string _data = Directory.CreateTempSubdirectory("blindai-sealed-restart-").FullName;
    private readonly string _attestationRoot = Directory.CreateTempSubdirectory("blindai-attestation-").FullName;

    public void Dispose()
    {
        Directory.Delete(_data, recursive: true);
        Directory.Delete(_attestationRoot, recursive: true);
    }

    /// <summary>
    /// Issue #13's start-up crash: the 16-byte Gramine key reached a protector that took only 32-byte keys and threw
    /// <see cref="ArgumentException"/> out of start-up. Both Gramine key kinds, as <c>SEAL_KEY</c> can pick either.
    /// </summary>
    [Theory]
    [InlineData(SealingKeyKind.MrEnclave)]
    [InlineData(SealingKeyKind.MrSigner)]
    public async Task A_host_with_a_16_byte_Gramine_sealing_key_starts_and_gets_its_models_back_after_a_restart(SealingKeyKind kind)
    {
        WriteGramineKey(kind, RandomNumberGenerator.GetBytes(16));
        SendModelReply subtract, relu;
        RunModelReply before;
        await using (RunningHost first = await StartAsync(kind))
        {
            subtract = await Wire.UploadAsync(first.Management, TestModels.Subtract());
            relu = await Wire.UploadAsync(first.Management, TestModels.MatMulAddRelu());
            before = await Wire.RunAsync(first.Attested, ModelReference.ById(subtract.ModelId), SubtractInputs);
        }

        // Sealed in the one format, under this key kind: "BAIS", version, key kind, and nothing of the model in clear.
        string[] files = Directory.GetFiles(StoreFolder);
        Assert.Equal(4, files.Length);
        foreach (string file in files)
        {
            byte[] blob = await File.ReadAllBytesAsync(file);
            Assert.Equal("BAIS"u8.ToArray(), blob[..4]);
            Assert.Equal(SealedBlobProtector.FormatVersion, blob[4]);
            Assert.Equal((byte)kind, blob[5]);
            Assert.True(blob.AsSpan().IndexOf(TestModels.Subtract().AsSpan(0, 16)) < 0, "model bytes are stored in clear");
        }

        await using RunningHost second = await StartAsync(kind);
        Assert.Contains(second.Logs.Entries, e => e.EventId == 22 && e.Message.EndsWith(": 2 model(s) restored", StringComparison.Ordinal));
        RunModelReply byId = await Wire.RunAsync(second.Attested, ModelReference.ById(subtract.ModelId), SubtractInputs);
        RunModelReply byHash = await Wire.RunAsync(second.Attested, ModelReference.ByHash(subtract.Hash), SubtractInputs);
        FaultModels.AssertIdentical(before.GetOutputTensors(), byId.GetOutputTensors());
        FaultModels.AssertIdentical(before.GetOutputTensors(), byHash.GetOutputTensors());
        Assert.Single((await Wire.RunAsync(second.Attested, ModelReference.ById(relu.ModelId), Tensor.Create<float>([1, 2, 3, 4], [1, 4]))).GetOutputTensors());
        RunningHost.AssertNoErrorLogged(second);
    }

    /// <summary>
    /// A rebuilt enclave (new MRENCLAVE, so Gramine derives another key) starts with an empty store, as DEPLOYING.md
    /// §5 says: the blobs sealed by the old build do not authenticate, each is reported and left on disk, and uploads work.
    /// </summary>
    [Fact]
    public async Task A_rebuilt_enclave_whose_sealing_key_changed_starts_with_an_empty_store_and_leaves_the_old_files()
    {
        WriteGramineKey(SealingKeyKind.MrEnclave, RandomNumberGenerator.GetBytes(16));
        SendModelReply uploaded;
        await using (RunningHost first = await StartAsync(SealingKeyKind.MrEnclave))
        {
            uploaded = await Wire.UploadAsync(first.Management, TestModels.Subtract());
        }

        WriteGramineKey(SealingKeyKind.MrEnclave, RandomNumberGenerator.GetBytes(16));
        await using RunningHost rebuilt = await StartAsync(SealingKeyKind.MrEnclave);

        Assert.Contains(rebuilt.Logs.Entries, e => e.Level == LogLevel.Warning
            && e.Message.Contains($"Stored model {uploaded.ModelId.Value} not restored", StringComparison.Ordinal)
            && e.Message.Contains("does not authenticate", StringComparison.Ordinal));
        await AssertUnknownAsync(rebuilt, uploaded.ModelId);
        Assert.Equal(2, Directory.GetFiles(StoreFolder).Length);
        SendModelReply again = await Wire.UploadAsync(rebuilt.Management, TestModels.Subtract());
        Assert.NotEqual(uploaded.ModelId, again.ModelId);
    }

    /// <summary>
    /// The store of the previous version (only the simulated host could write one: with Gramine's key it crashed at
    /// start-up) used the raw 32-byte key file as the AES key, without HKDF, in another layout. It is not read: each
    /// blob is refused with the reason named, and the host starts. The old blobs are written here as that version
    /// wrote them, with the data folder's own simulation key, so only the format keeps them out.
    /// </summary>
    [Fact]
    public async Task A_store_written_by_the_previous_version_is_not_restored_and_the_reason_is_logged()
    {
        await using (await RunningHost.StartAsync(dataDirectory: _data))
        {
            // Creates the data folder's simulation key file.
        }

        byte[] key = await File.ReadAllBytesAsync(Path.Combine(_data, "simulation", "sealing.key"));
        Guid id = Guid.NewGuid();
        byte[] model = TestModels.Subtract();
        byte[] record = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["Id"] = id, ["Sha256"] = Convert.ToHexStringLower(SHA256.HashData(model)), ["Name"] = "from 0.1", ["Optimize"] = true, ["UploadedAt"] = DateTimeOffset.UnixEpoch,
        });
        await File.WriteAllBytesAsync(Path.Combine(StoreFolder, id.ToString("N") + ".model"), PreviousVersionBlob(key, model, id, ".model"));
        await File.WriteAllBytesAsync(Path.Combine(StoreFolder, id.ToString("N") + ".meta"), PreviousVersionBlob(key, record, id, ".meta"));

        await using RunningHost second = await RunningHost.StartAsync(dataDirectory: _data);

        Assert.Contains(second.Logs.Entries, e => e.Level == LogLevel.Warning
            && e.Message.Contains($"Stored model {id} not restored", StringComparison.Ordinal)
            && e.Message.Contains("previous version", StringComparison.Ordinal));
        await AssertUnknownAsync(second, new ModelId(id));
    }

    /// <summary>
    /// The HKDF step DEPLOYING.md §5 documents, on the simulated host's 32-byte key file: a stored blob opens with
    /// HKDF-SHA256(key file, no salt, info "BlindAI sealed blob v1") and nothing else. (The previous version used the
    /// key file as the AES key directly.)
    /// </summary>
    [Fact]
    public async Task The_simulated_host_seals_with_the_documented_HKDF_key_derived_from_its_32_byte_key_file()
    {
        byte[] model = TestModels.Subtract();
        SendModelReply uploaded;
        await using (RunningHost host = await RunningHost.StartAsync(dataDirectory: _data))
        {
            uploaded = await Wire.UploadAsync(host.Management, model);
        }

        byte[] keyFile = await File.ReadAllBytesAsync(Path.Combine(_data, "simulation", "sealing.key"));
        Assert.Equal(32, keyFile.Length);
        byte[] blob = await File.ReadAllBytesAsync(Path.Combine(StoreFolder, uploaded.ModelId.Value.ToString("N") + ".model"));
        Assert.Equal((byte)SealingKeyKind.SimulationFile, blob[5]);
        byte[] callerData = Encoding.ASCII.GetBytes("blindai-model:" + uploaded.ModelId.Value.ToString("N") + ".model");
        byte[] associatedData = [.. blob[..18], 0, 0, 0, 0, .. callerData];
        BinaryPrimitives.WriteUInt32BigEndian(associatedData.AsSpan(18), (uint)callerData.Length);
        byte[] plaintext = new byte[blob.Length - SealedBlobProtector.Overhead];
        using (var aes = new AesGcm(HKDF.DeriveKey(HashAlgorithmName.SHA256, keyFile, 32, salt: [], info: "BlindAI sealed blob v1"u8.ToArray()), 16))
        {
            aes.Decrypt(blob.AsSpan(6, 12), blob.AsSpan(18, plaintext.Length), blob.AsSpan(18 + plaintext.Length), plaintext, associatedData);
        }

        Assert.Equal(model, plaintext);
    }

    /// <summary>
    /// A key provider that hands out fewer than 16 bytes (a custom one: Gramine's and the key file's check their own
    /// lengths) is never used to seal: the start-up probe refuses it, the host says so and keeps models in memory only,
    /// and nothing is written. The previous version crashed at start-up on any key that was not 32 bytes.
    /// </summary>
    [Fact]
    public async Task A_sealing_key_shorter_than_16_bytes_is_never_used_and_models_stay_in_memory()
    {
        await using RunningHost host = await RunningHost.StartAsync(
            dataDirectory: _data,
            services: services => services.AddSingleton<ISealingKeyProvider>(new ShortKey()));

        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("No sealing key (InvalidSealingKey)", StringComparison.Ordinal));
        SendModelReply uploaded = await Wire.UploadAsync(host.Management, TestModels.Subtract());
        Assert.Single((await Wire.RunAsync(host.Attested, ModelReference.ById(uploaded.ModelId), SubtractInputs)).GetOutputTensors());
        Assert.False(Directory.Exists(StoreFolder) && Directory.EnumerateFileSystemEntries(StoreFolder).Any(), "a model was written with a short key");
    }

    private string StoreFolder => Path.Combine(_data, "models");

    private void WriteGramineKey(SealingKeyKind kind, byte[] key)
    {
        // As Gramine exposes it under /dev/attestation: raw bytes, 16 of them.
        Directory.CreateDirectory(Path.Combine(_attestationRoot, "keys"));
        File.WriteAllBytes(Path.Combine(_attestationRoot, "keys", kind == SealingKeyKind.MrEnclave ? "_sgx_mrenclave" : "_sgx_mrsigner"), key);
    }

    private Task<RunningHost> StartAsync(SealingKeyKind kind) => RunningHost.StartAsync(
        dataDirectory: _data,
        services: services => services.AddSingleton<ISealingKeyProvider>(
            new GramineSealingKeyProvider(new GramineSealingKeyProviderOptions { AttestationRoot = _attestationRoot, Kind = kind })));

    private static async Task AssertUnknownAsync(RunningHost host, ModelId id)
    {
        using HttpResponseMessage response = await host.Attested.SendAsync(RunningHost.Post(ProtocolRoutes.Run, Wire.Run(ModelReference.ById(id), SubtractInputs), ProtocolMediaTypes.ProblemJson));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ProblemCode.UnknownModel, (await Wire.ProblemAsync(response)).Code);
    }

    private sealed class ShortKey : ISealingKeyProvider
    {
        public SealingKeyKind Kind => SealingKeyKind.MrEnclave;

        public Task<byte[]> GetKeyAsync(CancellationToken cancellationToken) => Task.FromResult(RandomNumberGenerator.GetBytes(8));
    }

    /// <summary>
    /// The previous version's layout, a test vector only: byte 1, 12-byte nonce, 16-byte tag, ciphertext; AES-256-GCM
    /// keyed with the raw key; associated data <c>blindai-model:&lt;id&gt;&lt;part&gt;</c>.
    /// </summary>
    private static byte[] PreviousVersionBlob(byte[] key, byte[] plaintext, Guid id, string part)
    {
        byte[] blob = new byte[29 + plaintext.Length];
        blob[0] = 1;
        RandomNumberGenerator.Fill(blob.AsSpan(1, 12));
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(blob.AsSpan(1, 12), plaintext, blob.AsSpan(29), blob.AsSpan(13, 16), Encoding.ASCII.GetBytes("blindai-model:" + id.ToString("N", CultureInfo.InvariantCulture) + part));
        return blob;
    }
}
