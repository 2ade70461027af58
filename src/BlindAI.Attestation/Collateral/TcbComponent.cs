namespace BlindAI.Attestation.Collateral;

/// <summary>One TCB component of a TCB level: its minimum security version number and Intel's description.</summary>
/// <param name="Svn">The minimum SVN the platform's component must have.</param>
/// <param name="Category">Intel's category (for example <c>BIOS</c>, <c>OS/VMM</c>), when given (TCB Info v3 only).</param>
/// <param name="Type">Intel's component type (for example <c>TDX Module</c>), when given (TCB Info v3 only).</param>
internal readonly record struct TcbComponent(byte Svn, string? Category = null, string? Type = null);
