namespace BlindAI.Protocol.Messages;

/// <summary>The body of <c>POST /delete</c> (management port): <c>{model_id}</c>. The reply body is CBOR <c>null</c>.</summary>
/// <param name="ModelId">The id as sent (text); see <see cref="GetModelId"/>.</param>
public sealed record DeleteModel(string ModelId)
{
    /// <summary>Creates a delete request for <paramref name="id"/>.</summary>
    /// <param name="id">The model id.</param>
    /// <returns>The request.</returns>
    public static DeleteModel For(ModelId id) => new(id.ToString());

    /// <summary>Parses <see cref="ModelId"/>.</summary>
    /// <returns>The id.</returns>
    /// <exception cref="ProtocolException">The id is empty or not a UUID (<see cref="ProtocolErrorReason.InvalidModelReference"/>).</exception>
    public ModelId GetModelId() =>
        Messages.ModelId.TryParse(ModelId, out ModelId id)
            ? id
            : throw new ProtocolException(ProtocolErrorReason.InvalidModelReference, "model_id must be a UUID.", "model_id");
}
