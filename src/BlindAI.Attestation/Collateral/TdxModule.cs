using System.Collections.Immutable;

namespace BlindAI.Attestation.Collateral;

/// <summary>The TDX module signer and attributes a TD report must show (TCB Info v3 <c>tdxModule</c>).</summary>
internal sealed record TdxModule
{
    /// <summary>The expected MRSIGNERSEAM (48 bytes; all zero for Intel's modules).</summary>
    public required ImmutableArray<byte> MrSigner { get; init; }

    /// <summary>The expected SEAMATTRIBUTES after masking (8 bytes).</summary>
    public required ImmutableArray<byte> Attributes { get; init; }

    /// <summary>The mask applied to SEAMATTRIBUTES before comparing (8 bytes).</summary>
    public required ImmutableArray<byte> AttributesMask { get; init; }
}
