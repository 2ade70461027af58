using System.Collections.Immutable;
using BlindAI.Protocol.Tensors;

namespace BlindAI.Protocol.Messages;

/// <summary>The body of a successful <c>POST /run</c>: <c>{outputs}</c>, one tensor per model output in model order.</summary>
public sealed record RunModelReply
{
    private RunModelReply(ImmutableArray<Tensor> outputs) => Outputs = outputs;

    /// <summary>The outputs in model order, each named; decoded outputs share their bytes with the message.</summary>
    public ImmutableArray<Tensor> Outputs { get; }

    /// <summary>
    /// Creates a reply. An unnamed output gets the name <c>output_&lt;i&gt;</c>, as the original server named outputs
    /// without a label, so <c>node_name</c> is always text on replies.
    /// </summary>
    /// <param name="outputs">The outputs in model order.</param>
    /// <returns>The reply.</returns>
    public static RunModelReply FromTensors(IEnumerable<Tensor> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        return new RunModelReply([.. outputs.Select((t, i) =>
        {
            ArgumentNullException.ThrowIfNull(t, nameof(outputs));
            return t.Name is null ? t.WithName($"output_{i}") : t;
        })]);
    }

    /// <summary>A decoded reply, as sent (a hostile server's unnamed outputs stay unnamed).</summary>
    /// <param name="outputs">The decoded outputs.</param>
    /// <returns>The reply.</returns>
    internal static RunModelReply FromWire(ImmutableArray<Tensor> outputs) => new(outputs);
}
