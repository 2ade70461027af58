using System.Globalization;

namespace BlindAI.LoadTest;

/// <summary>The command line of the load tool.</summary>
internal sealed record LoadTestOptions
{
    public const string Usage = """
        Usage: BlindAI.LoadTest [--clients N] [--seconds T] [--warmup W] [--json FILE] [--max-growth-mib M] [--seed S]
                                [--set BlindAI:Limits:KEY=VALUE ...]
                                [--host NAME --root SIMULATION_ROOT_PEM [--untrusted-port P] [--attested-port P] [--management-port P]]
          --clients          concurrent attested clients (default 4)
          --seconds          measured duration after start-up (default 60)
          --warmup           seconds excluded from the memory trend (default: a quarter of --seconds, at most 15)
          --json             also write the report as JSON to FILE
          --max-growth-mib   largest memory growth after warm-up accepted before exiting with 3 (default 48)
          --seed             seed of the operation mix (default 8)
          --set              a setting of the in-process host, repeatable (e.g. --set BlindAI:Limits:MaxConcurrentRuns=2
                             --set BlindAI:Limits:MaxQueuedRequests=0 to watch the intended 503 backpressure)
          --host             target a running simulation host instead of starting one in this process
                             (memory is then sampled for this client process only)
        Exit codes: 0 passed, 1 unexpected errors or corrupted outputs, 2 bad arguments, 3 memory grew beyond the bound.
        """;

    public int Clients { get; init; } = 4;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan? Warmup { get; init; }

    public string? JsonPath { get; init; }

    public double MaxGrowthMiB { get; init; } = 48;

    public int Seed { get; init; } = 8;

    public string? Host { get; init; }

    public IReadOnlyDictionary<string, string?> HostSettings { get; init; } = new Dictionary<string, string?>();

    public string? SimulationRootPath { get; init; }

    public int UntrustedPort { get; init; } = Protocol.ProtocolRoutes.DefaultUntrustedPort;

    public int AttestedPort { get; init; } = Protocol.ProtocolRoutes.DefaultAttestedPort;

    public int ManagementPort { get; init; } = Protocol.ProtocolRoutes.DefaultManagementPort;

    /// <summary>The warm-up actually used: as given, else a quarter of the run capped at 15 s.</summary>
    public TimeSpan EffectiveWarmup => Warmup ?? TimeSpan.FromSeconds(Math.Min(15, Duration.TotalSeconds / 4));

    /// <summary>Parses the switches; <paramref name="error"/> says what is wrong when it returns <see langword="null"/>.</summary>
    public static LoadTestOptions? Parse(string[] args, out string? error)
    {
        var options = new LoadTestOptions();
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name is "-h" or "--help")
            {
                error = string.Empty;
                return null;
            }

            if (i + 1 >= args.Length)
            {
                error = $"{name} needs a value.";
                return null;
            }

            string value = args[++i];
            try
            {
                options = name switch
                {
                    "--clients" => options with { Clients = Positive(name, int.Parse(value, CultureInfo.InvariantCulture)) },
                    "--seconds" => options with { Duration = TimeSpan.FromSeconds(Positive(name, double.Parse(value, CultureInfo.InvariantCulture))) },
                    "--warmup" => options with { Warmup = TimeSpan.FromSeconds(NotNegative(name, double.Parse(value, CultureInfo.InvariantCulture))) },
                    "--json" => options with { JsonPath = value },
                    "--max-growth-mib" => options with { MaxGrowthMiB = Positive(name, double.Parse(value, CultureInfo.InvariantCulture)) },
                    "--seed" => options with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--host" => options with { Host = value },
                    "--set" => options with { HostSettings = WithSetting(options.HostSettings, value) },
                    "--root" => options with { SimulationRootPath = value },
                    "--untrusted-port" => options with { UntrustedPort = Port(name, value) },
                    "--attested-port" => options with { AttestedPort = Port(name, value) },
                    "--management-port" => options with { ManagementPort = Port(name, value) },
                    _ => throw new ArgumentException($"Unknown switch {name}."),
                };
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                error = e is ArgumentException ? e.Message : $"{name}: '{value}' is not a number.";
                return null;
            }
        }

        if (options.Host is not null && options.SimulationRootPath is null)
        {
            error = "--host needs --root: the simulation root the host wrote (<data-dir>/simulation-root.pem).";
            return null;
        }

        if (options.Host is not null && options.HostSettings.Count > 0)
        {
            error = "--set applies to the in-process host only.";
            return null;
        }

        if (options.EffectiveWarmup >= options.Duration)
        {
            error = "--warmup must be shorter than --seconds.";
            return null;
        }

        return options;
    }

    private static Dictionary<string, string?> WithSetting(IReadOnlyDictionary<string, string?> settings, string assignment)
    {
        int equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || !assignment.StartsWith("BlindAI:", StringComparison.Ordinal))
        {
            throw new ArgumentException($"--set takes BlindAI:Section:Key=Value, not '{assignment}'.");
        }

        return new Dictionary<string, string?>(settings) { [assignment[..equals]] = assignment[(equals + 1)..] };
    }

    private static T Positive<T>(string name, T value)
        where T : System.Numerics.INumber<T> =>
        value > T.Zero ? value : throw new ArgumentException($"{name} must be positive.");

    private static T NotNegative<T>(string name, T value)
        where T : System.Numerics.INumber<T> =>
        value >= T.Zero ? value : throw new ArgumentException($"{name} cannot be negative.");

    private static int Port(string name, string value) =>
        int.Parse(value, CultureInfo.InvariantCulture) is int port and > 0 and <= 65535 ? port : throw new ArgumentException($"{name} must be a port number.");
}
