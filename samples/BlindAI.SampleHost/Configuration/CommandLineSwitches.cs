namespace BlindAI.SampleHost.Configuration;

/// <summary>The host's command-line switches and the configuration keys they set.</summary>
internal static class CommandLineSwitches
{
    private const string Prefix = SampleHostOptions.SectionName + ":";

    /// <summary>Switch → key, for <c>AddCommandLine</c>.</summary>
    public static IDictionary<string, string> Mappings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--untrusted-port"] = Prefix + nameof(SampleHostOptions.UntrustedPort),
        ["--attested-port"] = Prefix + nameof(SampleHostOptions.AttestedPort),
        ["--management-port"] = Prefix + nameof(SampleHostOptions.ManagementPort),
        ["--listen-address"] = Prefix + nameof(SampleHostOptions.ListenAddress),
        ["--management-address"] = Prefix + nameof(SampleHostOptions.ManagementListenAddress),
        ["--management-token"] = Prefix + nameof(SampleHostOptions.ManagementToken),
        ["--data-dir"] = Prefix + nameof(SampleHostOptions.DataDirectory),
        ["--simulation"] = Prefix + nameof(SampleHostOptions.Simulation),
    };

    /// <summary>
    /// Rewrites a bare <c>--simulation</c> (a flag, which <c>AddCommandLine</c> cannot read) into <c>--simulation=true</c>.
    /// </summary>
    /// <param name="args">The process arguments.</param>
    /// <returns>Arguments <c>AddCommandLine</c> understands.</returns>
    public static string[] Normalize(IReadOnlyList<string> args)
    {
        var result = new List<string>(args.Count);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            bool nextIsValue = i + 1 < args.Count && (args[i + 1] is "true" or "false" or "True" or "False");
            result.Add(arg == "--simulation" && !nextIsValue ? "--simulation=true" : arg);
        }

        return [.. result];
    }
}
