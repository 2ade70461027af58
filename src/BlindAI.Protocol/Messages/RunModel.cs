using System.Collections.Immutable;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Protocol.Messages;

/// <summary>
/// The body of <c>POST /run</c> (attested port): <c>{model_id, model_hash, inputs, client_info}</c>. Exactly one of
/// <c>model_id</c> and <c>model_hash</c> is non-empty. (The 0.6 protocol has no <c>sign</c> flag; that belonged to the
/// legacy gRPC protocol.) The required <c>client_info</c> telemetry block is written anonymous and ignored when read.
/// </summary>
public sealed record RunModel
{
    /// <summary>Creates a request from its wire fields as sent; <see cref="GetModelReference"/> checks them.</summary>
    /// <param name="modelId">The model id as sent, or empty when running by hash.</param>
    /// <param name="modelHash">The lowercase hex model hash as sent, or empty when running by id.</param>
    /// <param name="inputs">The input tensors.</param>
    internal RunModel(string modelId, string modelHash, ImmutableArray<Tensor> inputs)
    {
        ModelId = modelId;
        ModelHash = modelHash;
        Inputs = inputs;
    }

    /// <summary>The input tensors in request order, named (matched by name) or positional (no name). Decoded inputs share their bytes with the message.</summary>
    public ImmutableArray<Tensor> Inputs { get; }

    /// <summary>The <c>model_id</c> text as sent, or empty when running by hash.</summary>
    internal string ModelId { get; }

    /// <summary>The <c>model_hash</c> text as sent, or empty when running by id.</summary>
    internal string ModelHash { get; }

    /// <summary>The <c>client_info</c> block: as decoded, or <see cref="ClientInfo.Anonymous"/> for a request built here.</summary>
    internal ClientInfo ClientInfo { get; init; } = ClientInfo.Anonymous;

    /// <summary>Creates a run request.</summary>
    /// <param name="model">The model to run.</param>
    /// <param name="inputs">The inputs; named tensors are matched by name, unnamed ones by position.</param>
    /// <returns>The request.</returns>
    public static RunModel Create(ModelReference model, IEnumerable<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ImmutableArray<Tensor> tensors = [.. inputs];
        foreach (Tensor tensor in tensors)
        {
            ArgumentNullException.ThrowIfNull(tensor, nameof(inputs));
        }

        return new RunModel(model.Id?.ToString() ?? string.Empty, model.Hash?.ToString() ?? string.Empty, tensors);
    }

    /// <summary>Resolves which model the request targets, with the original server's rules.</summary>
    /// <returns>The model reference.</returns>
    /// <exception cref="ProtocolException">
    /// Neither or both of <c>model_id</c> and <c>model_hash</c> are set, the id is not a UUID, or the hash is not 64
    /// hex digits (<see cref="ProtocolErrorReason.InvalidModelReference"/>).
    /// </exception>
    public ModelReference GetModelReference()
    {
        bool hasId = !string.IsNullOrEmpty(ModelId);
        bool hasHash = !string.IsNullOrEmpty(ModelHash);
        if (hasId == hasHash)
        {
            throw new ProtocolException(ProtocolErrorReason.InvalidModelReference,
                hasId ? "Give a model_id or a model_hash, not both." : "Give a model_id or a model_hash.");
        }

        if (hasId)
        {
            return Messages.ModelId.TryParse(ModelId, out ModelId id)
                ? ModelReference.ById(id)
                : throw new ProtocolException(ProtocolErrorReason.InvalidModelReference, "model_id must be a UUID.", "model_id");
        }

        return Messages.ModelHash.TryParse(ModelHash, out ModelHash? hash)
            ? ModelReference.ByHash(hash)
            : throw new ProtocolException(ProtocolErrorReason.InvalidModelReference, "model_hash must be 64 hexadecimal digits.", "model_hash");
    }
}
