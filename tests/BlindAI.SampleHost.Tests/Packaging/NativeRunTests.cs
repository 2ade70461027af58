using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;

namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>
/// Runs the published host natively with exactly the environment and arguments the manifest gives
/// it inside the enclave (paths mapped through fs.mounts, nothing inherited from the test process),
/// to catch a runtime setting that breaks start-up before anyone is on SGX hardware.
/// </summary>
/// <remarks>
/// Not reproduced natively: LD_LIBRARY_PATH (its /lib is Gramine's glibc, absent here), the
/// enclave's memory size and thread slots, and file access checks (see PublishedLayoutTests).
/// </remarks>
[Collection(PublishedHostCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class NativeRunTests(PublishedHostFixture published)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Host_starts_and_stops_on_SIGTERM_under_the_manifest_environment_without_diagnostics_IPC()
    {
        using var sandbox = new Sandbox();
        var manifest = await RenderWithFreePortsAsync();
        var environment = EnclaveEnvironment(manifest, sandbox);

        Assert.Equal(sandbox.Tmp, environment["TMPDIR"]);
        var run = await RunUntilStartedAsync(manifest, sandbox, environment);

        // DOTNET_EnableDiagnostics=0: no debugger/EventPipe IPC socket for the host to connect to.
        Assert.Empty(Directory.GetFileSystemEntries(sandbox.Tmp, "dotnet-diagnostic-*"));

        var exit = await run.StopAsync();
        Assert.True(exit.ExitCode == 0, $"The host did not stop cleanly on SIGTERM: {exit}");
        Assert.DoesNotContain("GC heap initialization failed", exit.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", exit.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_manifest_diagnostics_setting_the_runtime_would_open_an_IPC_socket()
    {
        // The control for the test above: the absence of the socket is due to the manifest, not to the platform.
        using var sandbox = new Sandbox();
        var manifest = await RenderWithFreePortsAsync();
        var environment = EnclaveEnvironment(manifest, sandbox);
        environment.Remove("DOTNET_EnableDiagnostics");

        var run = await RunUntilStartedAsync(manifest, sandbox, environment);
        try
        {
            Assert.NotEmpty(Directory.GetFileSystemEntries(sandbox.Tmp, "dotnet-diagnostic-*"));
        }
        finally
        {
            await run.StopAsync();
        }
    }

    [Fact]
    public async Task A_GC_heap_hard_limit_too_small_for_the_host_is_caught_natively()
    {
        // The native run would catch a GC limit that cannot hold the host: 1 MiB is such a limit.
        using var sandbox = new Sandbox();
        var manifest = await RenderWithFreePortsAsync();
        var environment = EnclaveEnvironment(manifest, sandbox);
        environment["DOTNET_GCHeapHardLimit"] = "0x100000";
        environment["DOTNET_GCTotalPhysicalMemory"] = "0x100000";

        using var process = Start(manifest, sandbox, environment);
        using var deadline = new CancellationTokenSource(StartTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.NotEqual(0, process.ExitCode);
        Assert.DoesNotContain("Application started", await stdout, StringComparison.Ordinal);
        _ = await stderr;
    }

    private async Task<RenderedManifest> RenderWithFreePortsAsync()
    {
        // Ephemeral ports chosen now, so that parallel test runs never collide on 9923-9925.
        var ports = Enumerable.Range(0, 3).Select(_ => FreePort()).ToArray();
        return await RenderedManifest.RenderAsync(
            "PUBLISH_DIR=" + published.PublishDirectory,
            "UNTRUSTED_PORT=" + ports[0],
            "ATTESTED_PORT=" + ports[1],
            "MANAGEMENT_PORT=" + ports[2]);
    }

    /// <summary>loader.env with every enclave path mapped to the host, except LD_LIBRARY_PATH (see remarks).</summary>
    private static Dictionary<string, string> EnclaveEnvironment(RenderedManifest manifest, Sandbox sandbox)
    {
        var files = sandbox.FileSystem(manifest);
        return manifest.Environment
            .Where(variable => variable.Key != "LD_LIBRARY_PATH")
            .ToDictionary(
                variable => variable.Key,
                variable => variable.Value.StartsWith('/') ? files.ToHostPath(variable.Value) ?? variable.Value : variable.Value,
                StringComparer.Ordinal);
    }

    private static Process Start(RenderedManifest manifest, Sandbox sandbox, Dictionary<string, string> environment)
    {
        var files = sandbox.FileSystem(manifest);
        var argv = manifest.Strings("loader.argv");
        var start = new ProcessStartInfo(files.ToHostPath(manifest.String("libos.entrypoint"))!)
        {
            WorkingDirectory = sandbox.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in argv.Skip(1))
        {
            start.ArgumentList.Add(argument.StartsWith('/') ? files.ToHostPath(argument) ?? argument : argument);
        }

        // Natively there is no /dev/attestation: the host refuses to start without a quote provider
        // unless told to simulate one. What is under test here is the runtime environment, not attestation.
        start.ArgumentList.Add("--simulation");

        // As inside Gramine: nothing from the caller's environment, only what the manifest fixes.
        start.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("The host did not start.");
    }

    private static async Task<RunningHost> RunUntilStartedAsync(RenderedManifest manifest, Sandbox sandbox, Dictionary<string, string> environment)
    {
        var process = Start(manifest, sandbox, environment);
        var host = new RunningHost(process);
        if (!await host.WaitForOutputAsync("Application started", StartTimeout))
        {
            var failure = await host.StopAsync();
            throw new Xunit.Sdk.XunitException($"The host did not report 'Application started' within {StartTimeout}: {failure}");
        }

        return host;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A started host whose output is collected as it comes.</summary>
    private sealed class RunningHost
    {
        private readonly Process _process;
        private readonly StringBuilder _stdout = new();
        private readonly StringBuilder _stderr = new();
        private readonly Lock _gate = new();

        public RunningHost(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
            _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public async Task<bool> WaitForOutputAsync(string text, TimeSpan timeout)
        {
            var stopwatch = Stopwatch.StartNew();
            while (stopwatch.Elapsed < timeout && !_process.HasExited)
            {
                lock (_gate)
                {
                    if (_stdout.ToString().Contains(text, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }

                await Task.Delay(100);
            }

            lock (_gate)
            {
                return _stdout.ToString().Contains(text, StringComparison.Ordinal);
            }
        }

        /// <summary>SIGTERM (what Gramine injects on the host's SIGTERM), then the exit code and output.</summary>
        public async Task<CommandResult> StopAsync()
        {
            if (!_process.HasExited)
            {
                var kill = await ExternalCommand.RunAsync(
                    "kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)], "/", TimeSpan.FromSeconds(10));
                Assert.True(kill.ExitCode == 0 || _process.HasExited, $"kill -TERM failed: {kill}");
            }

            using var deadline = new CancellationTokenSource(StopTimeout);
            try
            {
                await _process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            var exitCode = _process.ExitCode;
            _process.Dispose();
            lock (_gate)
            {
                return new CommandResult(exitCode, _stdout.ToString(), _stderr.ToString());
            }
        }

        private void Append(StringBuilder target, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_gate)
            {
                target.AppendLine(line);
            }
        }
    }

    /// <summary>Host folders behind the enclave's tmpfs (/tmp) and encrypted (/data) mounts.</summary>
    private sealed class Sandbox : IDisposable
    {
        private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("blindai-native-run-");

        public Sandbox()
        {
            Directory.CreateDirectory(Tmp);
            Directory.CreateDirectory(Data);
        }

        public string Root => _root.FullName;

        public string Tmp => Path.Combine(Root, "tmp");

        public string Data => Path.Combine(Root, "data");

        public EnclaveFileSystem FileSystem(RenderedManifest manifest) => new(manifest, Tmp, Data);

        public void Dispose() => _root.Delete(recursive: true);
    }
}
