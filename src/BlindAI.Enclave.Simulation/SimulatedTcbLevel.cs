using BlindAI.Attestation;

namespace BlindAI.Enclave.Simulation;

/// <summary>One platform TCB level of a simulated TCB Info.</summary>
internal sealed record SimulatedTcbLevel
{
    /// <summary>The 16 minimum SGX TCB component SVNs.</summary>
    public required ReadOnlyMemory<byte> SgxTcbComponents { get; init; }

    /// <summary>The minimum PCESVN.</summary>
    public required ushort PceSvn { get; init; }

    /// <summary>The 16 minimum TDX TCB component SVNs (TDX TCB Info only).</summary>
    public ReadOnlyMemory<byte> TdxTcbComponents { get; init; }

    /// <summary>The status of a platform at this level.</summary>
    public TcbStatus Status { get; init; } = TcbStatus.UpToDate;

    /// <summary>The level's TCB date; the collateral issue date when <see langword="null"/>.</summary>
    public DateTimeOffset? TcbDate { get; init; }

    /// <summary>Advisory ids (for example <c>INTEL-SA-00615</c>); omitted from the JSON when empty.</summary>
    public IReadOnlyList<string> AdvisoryIds { get; init; } = [];
}
