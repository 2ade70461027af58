using System.Collections.Immutable;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// A TDX module identity of TCB Info v3 (<c>tdxModuleIdentities[]</c>): the signer, attributes and TCB levels of
/// one major version of the TDX module, selected by TEE_TCB_SVN[1].
/// </summary>
internal sealed record TdxModuleIdentity
{
    /// <summary>The identity id, <c>TDX_</c> followed by the module major version in two hex digits (for example <c>TDX_01</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The expected MRSIGNERSEAM (48 bytes).</summary>
    public required ImmutableArray<byte> MrSigner { get; init; }

    /// <summary>The expected SEAMATTRIBUTES after masking (8 bytes).</summary>
    public required ImmutableArray<byte> Attributes { get; init; }

    /// <summary>The mask applied to SEAMATTRIBUTES before comparing (8 bytes).</summary>
    public required ImmutableArray<byte> AttributesMask { get; init; }

    /// <summary>The module's TCB levels by ISVSVN (TEE_TCB_SVN[0]), highest first.</summary>
    public required ImmutableArray<EnclaveTcbLevel> TcbLevels { get; init; }

    /// <summary>The module's TCB level for its ISVSVN (TEE_TCB_SVN[0]), or <see langword="null"/> when below every level.</summary>
    /// <param name="isvSvn">The module ISVSVN.</param>
    /// <returns>The first (highest) level reached, or <see langword="null"/>.</returns>
    public EnclaveTcbLevel? FindTcbLevel(ushort isvSvn) => EnclaveTcbLevels.Find(TcbLevels, isvSvn);
}
