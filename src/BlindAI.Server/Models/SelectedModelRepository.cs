using BlindAI.Inference.Persistence;

namespace BlindAI.Server.Models;

/// <summary>
/// The model store the engine uses, chosen during start-up once it is known whether a sealing key exists: a sealed
/// directory in the data folder, or memory only. Until then it is memory only.
/// </summary>
internal sealed class SelectedModelRepository : IModelRepository
{
    private IModelRepository _inner = IModelRepository.CreateInMemory();

    public void Select(IModelRepository repository) => _inner = repository;

    public Task SaveAsync(StoredModel model, ReadOnlyMemory<byte> modelBytes, CancellationToken cancellationToken = default) =>
        _inner.SaveAsync(model, modelBytes, cancellationToken);

    public Task<byte[]?> ReadAsync(Guid modelId, CancellationToken cancellationToken = default) => _inner.ReadAsync(modelId, cancellationToken);

    public Task<StoredModel?> ReadRecordAsync(Guid modelId, CancellationToken cancellationToken = default) =>
        _inner.ReadRecordAsync(modelId, cancellationToken);

    public Task<bool> DeleteAsync(Guid modelId, CancellationToken cancellationToken = default) => _inner.DeleteAsync(modelId, cancellationToken);

    public Task<IReadOnlyList<Guid>> ListAsync(CancellationToken cancellationToken = default) => _inner.ListAsync(cancellationToken);
}
