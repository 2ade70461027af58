namespace BlindAI.Protocol.Messages;

/// <summary>Which model a run request targets: exactly one of an id or a hash.</summary>
public sealed record ModelReference
{
    private ModelReference(ModelId? id, ModelHash? hash)
    {
        Id = id;
        Hash = hash;
    }

    /// <summary>The model id, when the request names the model by id.</summary>
    public ModelId? Id { get; }

    /// <summary>The model hash, when the request names the model by hash.</summary>
    public ModelHash? Hash { get; }

    /// <summary>Targets a model by id.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The reference.</returns>
    public static ModelReference ById(ModelId id) => new(id, null);

    /// <summary>Targets a model by the SHA-256 of its bytes.</summary>
    /// <param name="hash">The hash.</param>
    /// <returns>The reference.</returns>
    public static ModelReference ByHash(ModelHash hash) => new(null, hash ?? throw new ArgumentNullException(nameof(hash)));

    /// <inheritdoc/>
    public override string ToString() => Id is { } id ? $"id {id}" : $"hash {Hash}";
}
