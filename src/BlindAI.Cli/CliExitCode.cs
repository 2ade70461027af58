namespace BlindAI.Cli;

/// <summary>The process exit codes of <c>blindai</c>; scripts rely on them.</summary>
internal static class CliExitCode
{
    /// <summary>The command succeeded: evidence verified and the policy holds.</summary>
    public const int Ok = 0;

    /// <summary>The evidence or server was rejected (verification or policy failed).</summary>
    public const int Rejected = 1;

    /// <summary>Usage error, or input that cannot be read (missing file, malformed quote, bad option value).</summary>
    public const int UsageOrInput = 2;
}
