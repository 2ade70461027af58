using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace BlindAI.HardwareEmulator.Tests.Support;

/// <summary>
/// The emulator as a program in its own process (<c>dotnet BlindAI.HardwareEmulator.dll ...</c>), as CI and the
/// production start-up test run it: started, read until its "ready" line, stopped with a signal.
/// </summary>
internal sealed partial class EmulatorProgram : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private EmulatorProgram(Process process)
    {
        _process = process;
    }

    public int ProcessId => _process.Id;

    /// <summary>Everything the program wrote so far (stdout and stderr, in arrival order).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static EmulatorProgram Start(params string[] arguments)
    {
        Process process = Run(arguments);
        var program = new EmulatorProgram(process);
        process.OutputDataReceived += (_, line) => program.Received(line.Data, stdout: true);
        process.ErrorDataReceived += (_, line) => program.Received(line.Data, stdout: false);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return program;
    }

    /// <summary>Runs the program to its end (a probe) and returns its exit code and standard output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToEndAsync(params string[] arguments)
    {
        using Process process = Run(arguments);
        process.Start();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ReadyTimeout);
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>Waits for the "ready" line and returns its <c>key=value</c> fields.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadyAsync()
    {
        string line;
        try
        {
            line = await _ready.Task.WaitAsync(ReadyTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException("The emulator printed no ready line. Output:\n" + Output);
        }

        return line.Split(' ').Skip(1).Select(f => f.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
    }

    /// <summary>Sends a signal (SIGTERM = 15, SIGKILL = 9) and waits for the process to end; returns its exit code.</summary>
    public async Task<int> SignalAndWaitAsync(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: {Marshal.GetLastPInvokeError()}");
        }

        using var timeout = new CancellationTokenSource(ReadyTimeout);
        await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        // A test that failed midway: ask the program to unmount (SIGTERM) before killing it.
        if (!_process.HasExited && Kill(_process.Id, 15) == 0 && !_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static Process Run(string[] arguments)
    {
        // The SDK tells child processes which host runs them; the emulator's runtimeconfig sits next to its dll.
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BlindAI.HardwareEmulator.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new Process { StartInfo = start };
    }

    private void Received(string? line, bool stdout)
    {
        if (line is null)
        {
            _ready.TrySetException(new InvalidOperationException("The emulator ended before it was ready. Output:\n" + Output));
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (stdout && line.StartsWith("ready ", StringComparison.Ordinal))
        {
            _ready.TrySetResult(line);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int processId, int signal);
}
