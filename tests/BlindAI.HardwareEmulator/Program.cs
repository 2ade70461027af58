using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using BlindAI.Enclave.Quoting;
using BlindAI.HardwareEmulator;
using Microsoft.Extensions.Logging;

// A thin wrapper over HardwareEmulator (see README.md): parse, start, print "ready", wait for SIGTERM/SIGINT, unmount.
const string Usage = """
    usage:
      BlindAI.HardwareEmulator gramine --dir DIR [--pcs-port PORT] [--state DIR2] [--mrenclave HEX] [--mrsigner HEX]
      BlindAI.HardwareEmulator tdx     --dir DIR [--pcs-port PORT] [--state DIR2] [--mrtd HEX]
      BlindAI.HardwareEmulator probe gramine|tdx --root DIR --report-data HEX
    The emulator prints one line starting with "ready" when it is mounted and serving, and unmounts on SIGTERM/SIGINT.
    probe gets one quote through the production quote provider (as a host would) and prints it as hex.
    """;

if (args.Length < 1)
{
    return Fail(Usage);
}

try
{
    return args[0] switch
    {
        "gramine" => await RunAsync(EmulatedTee.GramineSgx, Options(args[1..])).ConfigureAwait(false),
        "tdx" => await RunAsync(EmulatedTee.TdxConfigFsTsm, Options(args[1..])).ConfigureAwait(false),
        "probe" when args.Length >= 2 => await ProbeAsync(args[1], Options(args[2..])).ConfigureAwait(false),
        _ => Fail(Usage),
    };
}
catch (UsageException e)
{
    return Fail(e.Message + Environment.NewLine + Usage);
}

static async Task<int> RunAsync(EmulatedTee tee, Dictionary<string, string> options)
{
    using var stop = new CancellationTokenSource();
    using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => Stop(signal, stop));
    using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => Stop(signal, stop));
    using ILoggerFactory loggers = LoggerFactory.Create(logging => logging
        .AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        })
        .SetMinimumLevel(LogLevel.Information));

    HardwareEmulator emulator;
    try
    {
        emulator = await HardwareEmulator.StartAsync(
            tee,
            new HardwareEmulatorOptions
            {
                Directory = Required(options, "--dir"),
                StateDirectory = options.GetValueOrDefault("--state"),
                PcsPort = options.TryGetValue("--pcs-port", out string? port) ? Port(port) : null,
                MrEnclave = Measurement(options, "--mrenclave"),
                MrSigner = Measurement(options, "--mrsigner"),
                MrTd = Measurement(options, "--mrtd"),
                LoggerFactory = loggers,
            },
            stop.Token).ConfigureAwait(false);
    }
    catch (OperationCanceledException) when (stop.IsCancellationRequested)
    {
        return 0;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException or InvalidDataException or TimeoutException)
    {
        await Console.Error.WriteLineAsync("emulator failed to start: " + e.Message).ConfigureAwait(false);
        return 1;
    }

    await using (emulator.ConfigureAwait(false))
    {
        await Console.Out.WriteLineAsync(ReadyLine(emulator)).ConfigureAwait(false);
        await Console.Out.FlushAsync().ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM or SIGINT: unmount below and exit 0.
        }
    }

    await Console.Out.WriteLineAsync("stopped").ConfigureAwait(false);
    return 0;
}

static void Stop(PosixSignalContext signal, CancellationTokenSource stop)
{
    // Handled here: the process exits 0 after unmounting instead of dying with the signal's status.
    signal.Cancel = true;
    stop.Cancel();
}

static string ReadyLine(HardwareEmulator emulator)
{
    var fields = new List<string>
    {
        "ready",
        "tee=" + (emulator.Tee == EmulatedTee.GramineSgx ? "gramine" : "tdx"),
        "dir=" + emulator.Directory,
        "provider-root=" + emulator.ProviderRoot,
        "simulation-root=" + emulator.SimulationRootPath,
        "state=" + emulator.StateDirectory,
    };
    if (emulator.PcsBaseAddress is { } pcs)
    {
        fields.Add("pcs=" + pcs);
        fields.Add("pcs-ca=" + emulator.PcsCaPath);
        fields.Add("pcs-ca-sha256=" + Convert.ToHexStringLower(SHA256.HashData(emulator.PcsCertificate!.RawData)));
    }

    if (emulator.Tee == EmulatedTee.GramineSgx)
    {
        fields.Add("mrenclave=" + Convert.ToHexStringLower(emulator.MrEnclave.Span));
        fields.Add("mrsigner=" + Convert.ToHexStringLower(emulator.MrSigner.Span));
    }
    else
    {
        fields.Add("mrtd=" + Convert.ToHexStringLower(emulator.MrTd.Span));
    }

    return string.Join(' ', fields);
}

static async Task<int> ProbeAsync(string kind, Dictionary<string, string> options)
{
    string root = Required(options, "--root");
    byte[] reportData = Hex(options, "--report-data") ?? throw new UsageException("--report-data HEX is required.");
    IQuoteProvider provider = kind switch
    {
        "gramine" => new GramineQuoteProvider(new GramineQuoteProviderOptions { AttestationRoot = root }),
        "tdx" => new TsmQuoteProvider(new TsmQuoteProviderOptions { ReportRoot = root }),
        _ => throw new UsageException($"probe {kind}: expected gramine or tdx."),
    };
    try
    {
        byte[] quote = await provider.GetQuoteAsync(reportData, CancellationToken.None).ConfigureAwait(false);
        await Console.Out.WriteLineAsync(Convert.ToHexStringLower(quote)).ConfigureAwait(false);
        return 0;
    }
    catch (EvidenceException e)
    {
        await Console.Error.WriteLineAsync($"error {e.Reason}: {e.Message}").ConfigureAwait(false);
        return 1;
    }
    finally
    {
        (provider as IDisposable)?.Dispose();
    }
}

static Dictionary<string, string> Options(string[] args)
{
    var options = new Dictionary<string, string>(StringComparer.Ordinal);
    for (int i = 0; i < args.Length; i += 2)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
        {
            throw new UsageException($"Expected --option VALUE at '{args[i]}'.");
        }

        if (!options.TryAdd(args[i], args[i + 1]))
        {
            throw new UsageException($"{args[i]} is given twice.");
        }
    }

    return options;
}

static string Required(Dictionary<string, string> options, string name) =>
    options.TryGetValue(name, out string? value) ? value : throw new UsageException($"{name} is required.");

static int Port(string text) =>
    int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= 65535
        ? port
        : throw new UsageException($"--pcs-port {text}: expected a port number (0 for any free port).");

// A missing option must stay null. Careful: a bare null here would convert through byte[] to an empty, non-null
// ReadOnlyMemory, and the emulator would be asked for a 0-byte measurement.
static ReadOnlyMemory<byte>? Measurement(Dictionary<string, string> options, string name) =>
    Hex(options, name) is { } bytes ? new ReadOnlyMemory<byte>?(bytes) : (ReadOnlyMemory<byte>?)null;

static byte[]? Hex(Dictionary<string, string> options, string name)
{
    if (!options.TryGetValue(name, out string? text))
    {
        return null;
    }

    try
    {
        return Convert.FromHexString(text);
    }
    catch (FormatException)
    {
        throw new UsageException($"{name} {text}: expected hexadecimal bytes.");
    }
}

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}

/// <summary>A command line the emulator does not understand (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
