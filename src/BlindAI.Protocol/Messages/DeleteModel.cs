namespace BlindAI.Protocol.Messages;

/// <summary>
/// The body of <c>POST /delete</c> (management port), <c>{model_id}</c>, with the id as sent. Internal: the public codec
/// encodes this one-field message from a <see cref="ModelId"/> and decodes it to one (see
/// <see cref="Cbor.MessageCodec.DecodeDeleteModel"/>); tests use it to send ids that are not UUIDs.
/// </summary>
/// <param name="ModelId">The id as sent (text); see <see cref="GetModelId"/>.</param>
internal sealed record DeleteModel(string ModelId)
{
    /// <summary>Parses <see cref="ModelId"/>.</summary>
    /// <returns>The id.</returns>
    /// <exception cref="ProtocolException">The id is empty or not a UUID (<see cref="ProtocolErrorReason.InvalidModelReference"/>).</exception>
    public ModelId GetModelId() =>
        Messages.ModelId.TryParse(ModelId, out ModelId id)
            ? id
            : throw new ProtocolException(ProtocolErrorReason.InvalidModelReference, "model_id must be a UUID.", "model_id");
}
