using BlindAI.Protocol.Messages;
using System.Security.Cryptography;
using System.Text;
using BlindAI.Enclave;
using BlindAI.Enclave.Sealing;
using BlindAI.Inference.Persistence;
using BlindAI.Inference.Tests.Support;
using BlindAI.Protocol.Tensors;
using BlindAI.Server.Models;
using BlindAI.Testing;

namespace BlindAI.Inference.Tests.Persistence;

/// <summary>
/// Models survive a restart through a repository; what is on disk is sealed, bound to its id and part, and checked on
/// the way back. The repository seals as the sample host does: <see cref="SealedModelBlobProtector"/> over
/// <see cref="SealedBlobProtector"/>, keyed here by a Gramine-style 16-byte MRENCLAVE key in a temporary folder.
/// </summary>
public sealed class PersistenceTests : IDisposable
{
    private static readonly Tensor X = Tensor.Create<float>([1, 2, 3, 4], [1, 4]);
    private readonly string _directory = Directory.CreateTempSubdirectory("blindai-models-").FullName;
    private readonly string _attestationRoot = Directory.CreateTempSubdirectory("blindai-attestation-").FullName;

    public PersistenceTests() => WriteKey(_attestationRoot, RandomNumberGenerator.GetBytes(16));

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
        Directory.Delete(_attestationRoot, recursive: true);
    }

    private static void WriteKey(string attestationRoot, byte[] key)
    {
        Directory.CreateDirectory(Path.Combine(attestationRoot, "keys"));
        File.WriteAllBytes(Path.Combine(attestationRoot, "keys", "_sgx_mrenclave"), key);
    }

    private static SealedModelBlobProtector Sealing(string attestationRoot) =>
        new(new SealedBlobProtector(new GramineSealingKeyProvider(new GramineSealingKeyProviderOptions { AttestationRoot = attestationRoot })));

    private DirectoryModelRepository Repository(string? attestationRoot = null) => new(_directory, Sealing(attestationRoot ?? _attestationRoot));

    [Fact]
    public async Task Uploaded_models_are_restored_after_a_restart_with_their_ids_hashes_and_names()
    {
        ModelInfo tiny, again, subtract;
        using (OnnxInferenceEngine before = Engines.Create(repository: Repository()))
        {
            tiny = await before.UploadAsync(TestModels.MatMulAddRelu(), new ModelUploadOptions { Name = "tiny" });
            again = await before.UploadAsync(TestModels.MatMulAddRelu());
            subtract = await before.UploadAsync(TestModels.Subtract(), new ModelUploadOptions { Name = "sub", Optimize = false });
        }

        using OnnxInferenceEngine after = Engines.Create(repository: Repository());
        IReadOnlyList<ModelInfo> restored = await after.RestoreAsync();

        Assert.Equal(3, restored.Count);
        foreach (ModelInfo original in new[] { tiny, again, subtract })
        {
            Assert.True(after.TryGetModel(original.Id, out ModelInfo? back));
            Assert.Equal((original.Hash, original.Name, original.Optimize, original.UploadedAt, original.SizeBytes), (back.Hash, back.Name, back.Optimize, back.UploadedAt, back.SizeBytes));
        }

        IReadOnlyList<Tensor> outputs = await after.RunAsync(ModelReference.ById(again.Id), [X]);
        Assert.Equal([5.5f, 0f, 0f], outputs[0].ToArray<float>());
        Assert.Empty(await after.RestoreAsync());
    }

    [Fact]
    public async Task Files_on_disk_reveal_neither_the_model_nor_its_name()
    {
        using (OnnxInferenceEngine engine = Engines.Create(repository: Repository()))
        {
            await engine.UploadAsync(TestModels.MatMulAddRelu(), new ModelUploadOptions { Name = "confidential-model-name" });
        }

        byte[] producer = Encoding.UTF8.GetBytes("blindai-tests");
        byte[] name = Encoding.UTF8.GetBytes("confidential-model-name");
        string[] files = Directory.GetFiles(_directory);
        Assert.Equal(2, files.Length);
        Assert.All(files, f =>
        {
            byte[] content = File.ReadAllBytes(f);
            Assert.Equal(-1, content.AsSpan().IndexOf(producer));
            Assert.Equal(-1, content.AsSpan().IndexOf(name));
        });
    }

    [Fact]
    public async Task A_tampered_model_file_is_not_restored_and_the_others_are()
    {
        ModelInfo kept, tampered;
        using (OnnxInferenceEngine engine = Engines.Create(repository: Repository()))
        {
            kept = await engine.UploadAsync(TestModels.Subtract());
            tampered = await engine.UploadAsync(TestModels.MatMulAddRelu());
        }

        string path = Path.Combine(_directory, tampered.Id.Value.ToString("N") + ".model");
        byte[] blob = File.ReadAllBytes(path);
        blob[^1] ^= 1;
        File.WriteAllBytes(path, blob);

        var logger = new RecordingLogger<OnnxInferenceEngine>();
        using OnnxInferenceEngine after = Engines.Create(repository: Repository(), logger: logger);
        IReadOnlyList<ModelInfo> restored = await after.RestoreAsync();

        Assert.Equal(kept.Id, Assert.Single(restored).Id);
        Assert.False(after.TryGetModel(tampered.Id, out _));
        Assert.Contains(logger.Entries, e => e.Id.Id == 7 && e.Message.Contains(tampered.Id.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Models_sealed_under_another_key_are_not_restored()
    {
        using (OnnxInferenceEngine engine = Engines.Create(repository: Repository()))
        {
            await engine.UploadAsync(TestModels.Subtract());
        }

        // Another enclave build: Gramine derives another key for it.
        string otherEnclave = Directory.CreateTempSubdirectory("blindai-attestation-").FullName;
        try
        {
            WriteKey(otherEnclave, RandomNumberGenerator.GetBytes(16));
            var logger = new RecordingLogger<OnnxInferenceEngine>();
            using OnnxInferenceEngine after = Engines.Create(repository: Repository(otherEnclave), logger: logger);
            Assert.Empty(await after.RestoreAsync());
            Assert.Empty(after.ListModels());
            Assert.Contains(logger.Entries, e => e.Id.Id == 7 && e.Message.Contains("does not authenticate", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(otherEnclave, recursive: true);
        }
    }

    [Fact]
    public async Task A_blob_copied_under_another_model_id_is_refused()
    {
        ModelInfo victim, other;
        using (OnnxInferenceEngine engine = Engines.Create(repository: Repository()))
        {
            victim = await engine.UploadAsync(TestModels.Subtract());
            other = await engine.UploadAsync(TestModels.MatMulAddRelu());
        }

        // Swap in the other model's sealed bytes: the associated data binds each blob to its own id.
        File.Copy(Path.Combine(_directory, other.Id.Value.ToString("N") + ".model"), Path.Combine(_directory, victim.Id.Value.ToString("N") + ".model"), overwrite: true);

        using OnnxInferenceEngine after = Engines.Create(repository: Repository());
        Assert.Equal(other.Id, Assert.Single(await after.RestoreAsync()).Id);
    }

    [Fact]
    public async Task A_record_copied_over_the_model_part_of_the_same_id_is_refused()
    {
        var id = Guid.NewGuid();
        DirectoryModelRepository repository = Repository();
        await repository.SaveAsync(new StoredModel { Id = id, Sha256 = new string('0', 64), Optimize = true, UploadedAt = DateTimeOffset.UnixEpoch }, TestModels.Subtract());

        // A valid blob of the same id, but sealed as the record: the part is bound as well as the id.
        File.Copy(Path.Combine(_directory, id.ToString("N") + ".meta"), Path.Combine(_directory, id.ToString("N") + ".model"), overwrite: true);

        SealingException e = await Assert.ThrowsAsync<SealingException>(() => repository.ReadAsync(id));
        Assert.Equal(EnclaveErrorReason.SealedBlobAuthenticationFailed, e.Reason);
    }

    [Fact]
    public async Task Bytes_that_do_not_match_the_recorded_hash_are_not_restored()
    {
        var repository = new DirectoryModelRepository(_directory, PlaintextBlobProtector.Instance);
        ModelInfo model;
        using (OnnxInferenceEngine engine = Engines.Create(repository: repository))
        {
            model = await engine.UploadAsync(TestModels.Subtract());
        }

        // Plaintext storage has no integrity of its own: the SHA-256 check catches a substituted model.
        File.WriteAllBytes(Path.Combine(_directory, model.Id.Value.ToString("N") + ".model"), TestModels.MatMulAddRelu());

        var logger = new RecordingLogger<OnnxInferenceEngine>();
        using OnnxInferenceEngine after = Engines.Create(repository: repository, logger: logger);
        Assert.Empty(await after.RestoreAsync());
        Assert.Contains(logger.Entries, e => e.Id.Id == 7 && e.Message.Contains("SHA-256", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deleted_models_are_removed_from_disk_and_stay_deleted_after_a_restart()
    {
        using (OnnxInferenceEngine engine = Engines.Create(repository: Repository()))
        {
            ModelInfo model = await engine.UploadAsync(TestModels.Subtract());
            await engine.DeleteAsync(model.Id);
        }

        Assert.Empty(Directory.GetFiles(_directory));
        using OnnxInferenceEngine after = Engines.Create(repository: Repository());
        Assert.Empty(await after.RestoreAsync());
    }

    [Fact]
    public async Task Only_files_named_by_a_lowercase_model_id_are_listed_and_links_are_ignored()
    {
        DirectoryModelRepository repository = Repository();
        var id = Guid.NewGuid();
        await repository.SaveAsync(new StoredModel { Id = id, Sha256 = new string('0', 64), Optimize = true, UploadedAt = DateTimeOffset.UnixEpoch }, new byte[] { 1, 2, 3 });

        string outside = Directory.CreateTempSubdirectory("blindai-outside-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(outside, "secret.meta"), "not a model");
            File.WriteAllText(Path.Combine(_directory, "evil.meta"), "x");
            File.WriteAllText(Path.Combine(_directory, id.ToString("N").ToUpperInvariant() + ".meta"), "x");
            File.WriteAllText(Path.Combine(_directory, id.ToString("D") + ".meta"), "x");
            File.WriteAllText(Path.Combine(_directory, id.ToString("N") + ".meta.tmp"), "x");
            var linked = Guid.NewGuid();
            File.CreateSymbolicLink(Path.Combine(_directory, linked.ToString("N") + ".meta"), Path.Combine(outside, "secret.meta"));

            Assert.Equal(id, Assert.Single(await repository.ListAsync()));
            Assert.Null(await repository.ReadRecordAsync(linked));
            Assert.Equal([1, 2, 3], await repository.ReadAsync(id));
            Assert.Null(await repository.ReadAsync(Guid.NewGuid()));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task An_in_memory_repository_restores_models_into_a_new_engine_of_the_same_process()
    {
        var repository = new InMemoryModelRepository();
        ModelInfo model;
        using (OnnxInferenceEngine first = Engines.Create(repository: repository))
        {
            model = await first.UploadAsync(TestModels.MatMulAddRelu());
        }

        using OnnxInferenceEngine second = Engines.Create(repository: repository);
        Assert.Equal(model.Id, Assert.Single(await second.RestoreAsync()).Id);
        Assert.Single(await second.RunAsync(ModelReference.ById(model.Id), [X]));
    }

    [Fact]
    public async Task An_upload_the_repository_cannot_store_fails_and_leaves_no_model()
    {
        using OnnxInferenceEngine engine = Engines.Create(repository: new FullDisk());
        InferenceException e = await Assert.ThrowsAsync<InferenceException>(() => engine.UploadAsync(TestModels.MatMulAddRelu()));
        Assert.Equal(InferenceErrorReason.StorageFailed, e.Reason);
        Assert.Empty(engine.ListModels());
    }

    [Fact]
    public async Task The_sealed_protector_refuses_other_associated_data_and_truncated_blobs_with_typed_cryptographic_errors()
    {
        // What the engine relies on: every refusal is a CryptographicException (here a SealingException with its reason).
        SealedModelBlobProtector protector = Sealing(_attestationRoot);
        byte[] blob = await protector.ProtectAsync(new byte[] { 1, 2, 3 }, "model-a"u8.ToArray(), CancellationToken.None);
        Assert.Equal([1, 2, 3], await protector.UnprotectAsync(blob, "model-a"u8.ToArray(), CancellationToken.None));

        CryptographicException other = await Assert.ThrowsAnyAsync<CryptographicException>(() => protector.UnprotectAsync(blob, "model-b"u8.ToArray(), CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.SealedBlobAuthenticationFailed, Assert.IsType<SealingException>(other).Reason);
        CryptographicException truncated = await Assert.ThrowsAnyAsync<CryptographicException>(() => protector.UnprotectAsync(blob.AsMemory(0, 10), "model-a"u8.ToArray(), CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.SealedBlobMalformed, Assert.IsType<SealingException>(truncated).Reason);
    }

    /// <summary>Stands in for storage that fails (a full or read-only disk).</summary>
    [Fact]
    public async Task A_save_that_fails_after_the_model_blob_leaves_no_file_behind()
    {
        // The record is sealed after the model blob: failing there is the worst moment (the blob is already on disk).
        var repository = new DirectoryModelRepository(_directory, new FailingOnSecondSeal(Sealing(_attestationRoot)));
        var model = new StoredModel { Id = Guid.NewGuid(), Sha256 = new string('0', 64), Name = "cut short", Optimize = false, UploadedAt = DateTimeOffset.UnixEpoch };

        await Assert.ThrowsAsync<IOException>(() => repository.SaveAsync(model, TestModels.MatMulAddRelu()));

        Assert.Empty(Directory.GetFileSystemEntries(_directory));
        Assert.Empty(await Repository().ListAsync());
    }

    private sealed class FailingOnSecondSeal(IBlobProtector inner) : IBlobProtector
    {
        private int _seals;

        public Task<byte[]> ProtectAsync(ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken) =>
            ++_seals == 2 ? throw new IOException("No space left on device.") : inner.ProtectAsync(plaintext, associatedData, cancellationToken);

        public Task<byte[]> UnprotectAsync(ReadOnlyMemory<byte> protectedBlob, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken) =>
            inner.UnprotectAsync(protectedBlob, associatedData, cancellationToken);
    }

    private sealed class FullDisk : IModelRepository
    {
        public Task SaveAsync(StoredModel model, ReadOnlyMemory<byte> modelBytes, CancellationToken cancellationToken = default) =>
            throw new IOException("No space left on device.");

        public Task<IReadOnlyList<Guid>> ListAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<Guid>>([]);

        public Task<StoredModel?> ReadRecordAsync(Guid modelId, CancellationToken cancellationToken = default) => Task.FromResult<StoredModel?>(null);

        public Task<byte[]?> ReadAsync(Guid modelId, CancellationToken cancellationToken = default) => Task.FromResult<byte[]?>(null);

        public Task<bool> DeleteAsync(Guid modelId, CancellationToken cancellationToken = default) => Task.FromResult(false);
    }
}
