namespace BlindAI.Cli;

/// <summary>The process exit codes of <c>blindai</c>; scripts rely on them.</summary>
internal static class CliExitCode
{
    /// <summary>The command succeeded: evidence verified and the policy holds.</summary>
    public const int Ok = 0;

    /// <summary>The evidence or server was rejected: verification or policy failed, or the evidence read is malformed (reason and step say which).</summary>
    public const int Rejected = 1;

    /// <summary>
    /// Usage error (bad option value, an unpinned identity for a command that sends data), or input that cannot be read
    /// (missing or empty file, a file in no known encoding, a malformed policy or collateral file).
    /// </summary>
    public const int UsageOrInput = 2;
}
