using BlindAI.Server;

namespace BlindAI.SampleHost;

/// <summary>
/// The host's command line: its switches and the configuration keys they set, read strictly. Every argument must be a
/// known switch with its value, or a <c>--BlindAI:&lt;key&gt;</c> setting (checked like any other key by
/// <c>AddBlindAIServer</c>); anything else stops the host. In an enclave the command line is the
/// measured <c>loader.argv</c>: a switch the host did not understand would be a measured promise it silently broke (as
/// <c>--management-token-sha256</c> once was). A collateral switch (<c>--pccs-url</c>, <c>--intel-pcs</c>) also selects
/// the collateral source, so two of them are refused; <c>--simulation</c> may name the simulated TEE (<c>sgx</c>, <c>tdx</c>).
/// </summary>
internal static class CommandLineSwitches
{
    private const string Prefix = BlindAIServerOptions.SectionName + ":";
    private const string SettingPrefix = "--" + Prefix;
    private const string SimulationSwitch = "--simulation";
    private const string IntelPcsSwitch = "--intel-pcs";
    private const string PccsUrlSwitch = "--pccs-url";
    private const string CollateralSourceKey = Prefix + nameof(BlindAIServerOptions.CollateralSource);
    private const string EnclavePrefix = Prefix + "Enclave" + ":";
    private const string SimulationTeeKey = Prefix + nameof(BlindAIServerOptions.SimulationTee);

    /// <summary>Switch → key. Matched ignoring case, as the configuration's own command-line reader does.</summary>
    public static IReadOnlyDictionary<string, string> Mappings { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["--untrusted-port"] = Prefix + nameof(BlindAIServerOptions.UntrustedPort),
        ["--attested-port"] = Prefix + nameof(BlindAIServerOptions.AttestedPort),
        ["--management-port"] = Prefix + nameof(BlindAIServerOptions.ManagementPort),
        ["--listen-address"] = Prefix + nameof(BlindAIServerOptions.ListenAddress),
        ["--management-address"] = Prefix + nameof(BlindAIServerOptions.ManagementListenAddress),
        ["--management-token-sha256"] = Prefix + nameof(BlindAIServerOptions.ManagementTokenSha256),
        ["--data-dir"] = Prefix + nameof(BlindAIServerOptions.DataDirectory),
        ["--attestation-root"] = EnclavePrefix + nameof(BlindAI.Enclave.DependencyInjection.BlindAIEnclaveOptions.GramineAttestationRoot),
        ["--tsm-root"] = EnclavePrefix + nameof(BlindAI.Enclave.DependencyInjection.BlindAIEnclaveOptions.TsmReportRoot),
        [PccsUrlSwitch] = Prefix + "Collateral:Pccs" + ":" + nameof(BlindAI.Attestation.Collateral.PccsOptions.BaseAddress),
        ["--pccs-ca-file"] = Prefix + nameof(BlindAIServerOptions.PccsCaFile),
        ["--pccs-api-key-file"] = Prefix + nameof(BlindAIServerOptions.PccsApiKeyFile),
        [IntelPcsSwitch] = CollateralSourceKey,
        [SimulationSwitch] = Prefix + nameof(BlindAIServerOptions.Simulation),
    };

    /// <summary>
    /// The collateral source each collateral switch selects: naming a PCCS or Intel PCS is choosing it, so one switch
    /// does both, and two of them at once are refused rather than one silently winning.
    /// </summary>
    private static readonly Dictionary<string, CollateralSourceKind> SelectsCollateralSource = new(StringComparer.OrdinalIgnoreCase)
    {
        [PccsUrlSwitch] = CollateralSourceKind.Pccs,
        [IntelPcsSwitch] = CollateralSourceKind.IntelPcs,
    };

    /// <summary>Switches that need no value.</summary>
    private static readonly HashSet<string> Flags = new(StringComparer.OrdinalIgnoreCase) { SimulationSwitch, IntelPcsSwitch };

    /// <summary>What the failures list as accepted.</summary>
    public static string KnownSwitches { get; } =
        string.Join(", ", Mappings.Keys.Select(name => name == SimulationSwitch ? name + " [sgx|tdx]" : Flags.Contains(name) ? name : name + " <value>")) + ", " + SettingPrefix + "<setting> <value>";

    /// <summary>Reads <paramref name="args"/> into configuration keys.</summary>
    /// <param name="args">The process arguments.</param>
    /// <param name="failures">Why the command line is refused; empty when it is accepted. Values are never repeated here (one may be a secret).</param>
    /// <returns>Key → value, for a configuration source that overrides appsettings and the environment.</returns>
    public static Dictionary<string, string?> Parse(IReadOnlyList<string> args, out IReadOnlyList<string> failures)
    {
        ArgumentNullException.ThrowIfNull(args);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        string? collateralSwitch = null;
        for (int i = 0; i < args.Count; i++)
        {
            string argument = args[i];
            int equals = argument.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? argument : argument[..equals];
            string? inlineValue = equals < 0 ? null : argument[(equals + 1)..];

            string key;
            if (Mappings.TryGetValue(name, out string? mapped))
            {
                key = mapped;
            }
            else if (name.StartsWith(SettingPrefix, StringComparison.OrdinalIgnoreCase) && name.Length > SettingPrefix.Length)
            {
                key = name[2..];
            }
            else
            {
                problems.Add(name.StartsWith('-')
                    ? $"Unknown command-line switch '{name}'. Known: {KnownSwitches}."
                    : $"Argument {i + 1} is a value without a switch before it. Known switches: {KnownSwitches}.");
                continue;
            }

            string? value;
            if (string.Equals(name, SimulationSwitch, StringComparison.OrdinalIgnoreCase))
            {
                // --simulation alone means true (an SGX enclave); true, false, sgx or tdx may follow it.
                value = inlineValue ?? (i + 1 < args.Count && IsSimulationValue(args[i + 1]) ? args[++i] : "true");
                if (!IsSimulationValue(value))
                {
                    problems.Add($"Switch '{name}' takes no value, or true or false, or {nameof(SimulatedTee.Sgx).ToLowerInvariant()} or {nameof(SimulatedTee.Tdx).ToLowerInvariant()}.");
                    continue;
                }

                if (Enum.TryParse(value, ignoreCase: true, out SimulatedTee tee))
                {
                    value = "true";
                    if (!settings.TryAdd(SimulationTeeKey, tee.ToString()))
                    {
                        problems.Add($"'{SimulationTeeKey}' is given more than once on the command line.");
                        continue;
                    }
                }
            }
            else if (string.Equals(name, IntelPcsSwitch, StringComparison.OrdinalIgnoreCase))
            {
                if (inlineValue is not null)
                {
                    problems.Add($"Switch '{name}' takes no value.");
                    continue;
                }

                value = nameof(CollateralSourceKind.IntelPcs);
            }
            else if (inlineValue is not null)
            {
                value = inlineValue;
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                problems.Add($"Switch '{name}' needs a value.");
                continue;
            }

            if (SelectsCollateralSource.TryGetValue(name, out CollateralSourceKind source))
            {
                if (collateralSwitch is not null)
                {
                    problems.Add($"'{collateralSwitch}' and '{name}' each name a collateral source: give one.");
                    continue;
                }

                collateralSwitch = name;
                if (key != CollateralSourceKey && !settings.TryAdd(CollateralSourceKey, source.ToString()))
                {
                    problems.Add($"'{CollateralSourceKey}' is given more than once on the command line.");
                    continue;
                }
            }

            if (!settings.TryAdd(key, value))
            {
                // The configuration reader would keep the last one and drop the other without a word.
                problems.Add($"'{key}' is given more than once on the command line.");
            }
        }

        failures = problems;
        return settings;
    }

    /// <summary>What may follow <c>--simulation</c>: a boolean, or the simulated TEE by name (not a number, which Enum.TryParse would take).</summary>
    private static bool IsSimulationValue(string value) =>
        bool.TryParse(value, out _)
        || string.Equals(value, nameof(SimulatedTee.Sgx), StringComparison.OrdinalIgnoreCase)
        || string.Equals(value, nameof(SimulatedTee.Tdx), StringComparison.OrdinalIgnoreCase);
}
