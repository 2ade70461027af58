using System.Collections.Immutable;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Protocol.Messages;

/// <summary>
/// The body of <c>POST /run</c> (attested port): <c>{model_id, model_hash, inputs, client_info}</c>. Exactly one of
/// <c>model_id</c> and <c>model_hash</c> is non-empty. (The 0.6 protocol has no <c>sign</c> flag; that belonged to the
/// legacy gRPC protocol.)
/// </summary>
/// <param name="ModelId">The model id as sent, or empty when running by hash.</param>
/// <param name="ModelHash">The lowercase hex model hash as sent, or empty when running by id.</param>
/// <param name="Inputs">The input tensors, named (matched by name) or positional (<c>node_name</c> null).</param>
/// <param name="ClientInfo">The telemetry block (<c>client_info</c>), required on the wire.</param>
public sealed record RunModel(string ModelId, string ModelHash, ImmutableArray<SerializedTensor> Inputs, ClientInfo ClientInfo)
{
    /// <summary>Creates a run request.</summary>
    /// <param name="model">The model to run.</param>
    /// <param name="inputs">The inputs; named tensors are matched by name, unnamed ones by position.</param>
    /// <param name="clientInfo">The telemetry block, or <see langword="null"/> for <see cref="ClientInfo.Anonymous"/>.</param>
    /// <returns>The request.</returns>
    public static RunModel Create(ModelReference model, IEnumerable<Tensor> inputs, ClientInfo? clientInfo)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        return new RunModel(
            model.Id?.ToString() ?? string.Empty,
            model.Hash?.ToString() ?? string.Empty,
            [.. inputs.Select(SerializedTensor.FromTensor)],
            clientInfo ?? ClientInfo.Anonymous);
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

    /// <summary>The inputs as tensors, sharing their bytes with the message.</summary>
    /// <returns>One tensor per input, in request order.</returns>
    /// <exception cref="ProtocolException">An input's shape, type and data disagree (only possible for hand-built messages; decoded ones are checked).</exception>
    public ImmutableArray<Tensor> GetInputTensors() => [.. Inputs.Select(t => t.ToTensor())];
}
