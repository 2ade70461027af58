using System.Collections.Concurrent;

namespace BlindAI.Inference.Persistence;

/// <summary>
/// Keeps models in process memory only: nothing survives a restart. The default, for hosts without durable storage
/// and for tests. It holds one reference to each model's bytes, so a model costs its size once more than its session.
/// </summary>
internal sealed class InMemoryModelRepository : IModelRepository
{
    private readonly ConcurrentDictionary<Guid, (StoredModel Model, ReadOnlyMemory<byte> Bytes)> _models = new();

    /// <inheritdoc/>
    public Task SaveAsync(StoredModel model, ReadOnlyMemory<byte> modelBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        cancellationToken.ThrowIfCancellationRequested();
        _models[model.Id] = (model, modelBytes);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<Guid>> ListAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<Guid>>([.. _models.Keys]);
    }

    /// <inheritdoc/>
    public Task<StoredModel?> ReadRecordAsync(Guid modelId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_models.TryGetValue(modelId, out var entry) ? entry.Model : null);
    }

    /// <inheritdoc/>
    public Task<byte[]?> ReadAsync(Guid modelId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_models.TryGetValue(modelId, out var entry) ? entry.Bytes.ToArray() : null);
    }

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(Guid modelId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_models.TryRemove(modelId, out _));
    }
}
