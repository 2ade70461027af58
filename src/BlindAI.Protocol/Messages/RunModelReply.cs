using System.Collections.Immutable;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Protocol.Messages;

/// <summary>The body of a successful <c>POST /run</c>: <c>{outputs}</c>, one tensor per model output in model order.</summary>
/// <param name="Outputs">The output tensors; each carries its output name.</param>
public sealed record RunModelReply(ImmutableArray<SerializedTensor> Outputs)
{
    /// <summary>
    /// Creates a reply. An unnamed output gets the name <c>output_&lt;i&gt;</c>, as the original server named outputs
    /// without a label, so <c>node_name</c> is always text on replies.
    /// </summary>
    /// <param name="outputs">The outputs in model order.</param>
    /// <returns>The reply.</returns>
    public static RunModelReply FromTensors(IEnumerable<Tensor> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        return new RunModelReply([.. outputs.Select((t, i) => SerializedTensor.FromTensor(t.Name is null ? t.WithName($"output_{i}") : t))]);
    }

    /// <summary>The outputs as tensors, sharing their bytes with the message.</summary>
    /// <returns>One tensor per output.</returns>
    /// <exception cref="ProtocolException">An output's shape, type and data disagree (only possible for hand-built messages; decoded ones are checked).</exception>
    public ImmutableArray<Tensor> GetOutputTensors() => [.. Outputs.Select(t => t.ToTensor())];
}
