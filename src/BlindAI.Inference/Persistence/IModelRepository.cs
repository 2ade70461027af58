namespace BlindAI.Inference.Persistence;

/// <summary>Keeps uploaded models so that <see cref="IInferenceEngine.RestoreAsync"/> can load them again after a restart.</summary>
public interface IModelRepository
{
    /// <summary>
    /// Creates the repository the engine uses by default: models kept in memory only, as in the original server (they
    /// are gone after a restart).
    /// </summary>
    /// <returns>A new, empty repository.</returns>
    static IModelRepository CreateInMemory() => new InMemoryModelRepository();

    /// <summary>
    /// Creates a repository that keeps each model as two protected files in <paramref name="directory"/>, the record and
    /// the bytes, named by the model id only and each bound to its id and part by the protector's associated data, so
    /// <see cref="IInferenceEngine.RestoreAsync"/> loads them again after a restart. Links and other files are ignored.
    /// </summary>
    /// <param name="directory">The folder; created when missing.</param>
    /// <param name="protector">Protects every file (in an enclave: the enclave's sealing).</param>
    /// <returns>The repository.</returns>
    static IModelRepository CreateDirectory(string directory, IBlobProtector protector) => new DirectoryModelRepository(directory, protector);

    /// <summary>Stores a model. The engine never changes <paramref name="modelBytes"/> afterwards, so a repository may keep it without copying.</summary>
    /// <param name="model">The model's record.</param>
    /// <param name="modelBytes">The model bytes.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes once the model is stored.</returns>
    Task SaveAsync(StoredModel model, ReadOnlyMemory<byte> modelBytes, CancellationToken cancellationToken = default);

    /// <summary>Lists the ids of the stored models.</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The ids, in no particular order.</returns>
    Task<IReadOnlyList<Guid>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads a model's record.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record, or <see langword="null"/> when the id is not stored.</returns>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The stored record fails to unprotect or names another id.</exception>
    Task<StoredModel?> ReadRecordAsync(Guid modelId, CancellationToken cancellationToken = default);

    /// <summary>Reads a model's bytes.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The bytes, or <see langword="null"/> when the id is not stored.</returns>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The stored bytes fail to unprotect (tampered or sealed by another key).</exception>
    Task<byte[]?> ReadAsync(Guid modelId, CancellationToken cancellationToken = default);

    /// <summary>Removes a model.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="cancellationToken">Cancels the deletion.</param>
    /// <returns><see langword="true"/> when it was stored.</returns>
    Task<bool> DeleteAsync(Guid modelId, CancellationToken cancellationToken = default);
}
