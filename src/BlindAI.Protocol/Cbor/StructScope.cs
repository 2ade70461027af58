namespace BlindAI.Protocol.Cbor;

/// <summary>Progress through one struct (a CBOR map, or serde's array form) while decoding.</summary>
internal struct StructScope
{
    public required FieldSet Fields { get; init; }

    public required bool IsArray { get; init; }

    /// <summary>The reader generation the container was opened in (see <see cref="WireReader"/> rebasing).</summary>
    public required int Generation { get; init; }

    /// <summary>Items (map entries or array elements) still to read; -1 for an indefinite-length container.</summary>
    public long Remaining { get; set; }

    public ulong Seen { get; set; }

    public int NextIndex { get; set; }

    public int CurrentField { get; set; }
}
