using BlindAI.Attestation;

namespace BlindAI.Enclave.Simulation;

/// <summary>One TCB level of a simulated QE Identity (or TDX module identity).</summary>
/// <param name="IsvSvn">The minimum ISVSVN.</param>
/// <param name="Status">The status at this level.</param>
internal sealed record SimulatedQeTcbLevel(ushort IsvSvn, TcbStatus Status)
{
    /// <summary>The level's TCB date; the collateral issue date when <see langword="null"/>.</summary>
    public DateTimeOffset? TcbDate { get; init; }

    /// <summary>Advisory ids; omitted from the JSON when empty.</summary>
    public IReadOnlyList<string> AdvisoryIds { get; init; } = [];
}
