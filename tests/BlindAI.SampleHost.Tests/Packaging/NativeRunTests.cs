using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Problems;
using BlindAI.SampleHost.Tests.Support;
using BlindAI.Testing;

namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>
/// Runs the published host natively with exactly the environment and arguments the manifest gives
/// it inside the enclave (paths mapped through fs.mounts, nothing inherited from the test process),
/// to catch a runtime setting that breaks start-up before anyone is on SGX hardware, and to check that
/// the measured arguments are honoured (the management token) and that anything else stops the host.
/// </summary>
/// <remarks>
/// Not reproduced natively: LD_LIBRARY_PATH (its /lib is Gramine's glibc, absent here), the
/// enclave's memory size and thread slots, and file access checks (see PublishedLayoutTests).
/// </remarks>
[Collection(PublishedHostCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed partial class NativeRunTests(PublishedHostFixture published)
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

    [Fact]
    public async Task With_the_manifest_built_from_a_token_file_management_requires_that_token()
    {
        // The whole deployer path: make MANAGEMENT_TOKEN_FILE=... hashes the token into the manifest's measured
        // arguments, and the published host started with exactly those arguments enforces it.
        using var sandbox = new Sandbox();
        const string Token = "native-run-management-token-6d1f0b7a9c3e5248";
        var tokenFile = Path.Combine(sandbox.Root, "management-token");
        await File.WriteAllTextAsync(tokenFile, Token + "\n");
        var manifest = await RenderWithFreePortsAsync("MANAGEMENT_TOKEN_FILE=" + tokenFile);
        Assert.Contains("--management-token-sha256", manifest.Strings("loader.argv"));

        var run = await RunUntilStartedAsync(manifest, sandbox, EnclaveEnvironment(manifest, sandbox));
        try
        {
            using var untrusted = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{OptionValue(manifest, "--untrusted-port")}") };
            var certificate = MessageCodec.Default.DecodeCertificate(await untrusted.GetByteArrayAsync("/")).ToArray();
            var management = new Uri($"https://127.0.0.1:{OptionValue(manifest, "--management-port")}");
            var upload = Wire.Upload(TestModels.Subtract());

            foreach (var token in new[] { null, Token + "x", OptionValue(manifest, "--management-token-sha256") })
            {
                using var client = PinnedClient(management, certificate, token);
                using var refused = await client.SendAsync(Support.RunningHost.Post(ProtocolRoutes.Upload, upload, ProtocolMediaTypes.ProblemJson));
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
                Assert.Equal(ProblemCode.Unauthorized, (await Wire.ProblemAsync(refused)).Code);
            }

            using var owner = PinnedClient(management, certificate, Token);
            await Wire.UploadAsync(owner, TestModels.Subtract());
        }
        finally
        {
            var exit = await run.StopAsync();
            Assert.True(exit.ExitCode == 0, $"The host did not stop cleanly on SIGTERM: {exit}");
        }
    }

    [Fact]
    public async Task An_unknown_switch_stops_the_host_with_exit_code_2_naming_it_and_the_known_ones()
    {
        using var sandbox = new Sandbox();
        var manifest = await RenderWithFreePortsAsync();

        var exit = await RunToExitAsync(manifest, sandbox, EnclaveEnvironment(manifest, sandbox), ["--management-token", "not-echoed-6d1f0b7a"]);

        Assert.True(exit.ExitCode == 2, $"Expected exit code 2 (invalid settings): {exit}");
        Assert.Contains("Unknown command-line switch '--management-token'", exit.StandardError, StringComparison.Ordinal);
        Assert.Contains("--management-token-sha256 <value>", exit.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("not-echoed-6d1f0b7a", exit.StandardError + exit.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Application started", exit.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_BlindAI_environment_variable_stops_the_host_with_exit_code_2_naming_its_key()
    {
        using var sandbox = new Sandbox();
        var manifest = await RenderWithFreePortsAsync();
        var environment = EnclaveEnvironment(manifest, sandbox);
        environment["BlindAI__ManagementTokenSha265"] = new string('a', 64);

        var exit = await RunToExitAsync(manifest, sandbox, environment, []);

        Assert.True(exit.ExitCode == 2, $"Expected exit code 2 (invalid settings): {exit}");
        Assert.Contains("Unknown setting 'BlindAI:ManagementTokenSha265'", exit.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Application started", exit.StandardOutput, StringComparison.Ordinal);
    }

    private async Task<RenderedManifest> RenderWithFreePortsAsync(params string[] makeVariables)
    {
        // Ephemeral ports chosen now, so that parallel test runs never collide on 9923-9925.
        var ports = Enumerable.Range(0, 3).Select(_ => FreePort()).ToArray();
        return await RenderedManifest.RenderAsync(
        [
            "PUBLISH_DIR=" + published.PublishDirectory,
            "UNTRUSTED_PORT=" + ports[0],
            "ATTESTED_PORT=" + ports[1],
            "MANAGEMENT_PORT=" + ports[2],
            .. makeVariables,
        ]);
    }

    private static string OptionValue(RenderedManifest manifest, string option)
    {
        var argv = manifest.Strings("loader.argv").ToList();
        var index = argv.IndexOf(option);
        Assert.True(index > 0 && index + 1 < argv.Count, $"loader.argv has no value for {option}.");
        return argv[index + 1];
    }

    /// <summary>A client for an RA-TLS port that accepts exactly the certificate the untrusted port served, as the original client does.</summary>
    private static HttpClient PinnedClient(Uri baseAddress, byte[] certificate, string? bearerToken)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                TargetHost = ProtocolRoutes.CertificateHostName,
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(certificate),
            },
        };
        var client = new HttpClient(handler) { BaseAddress = baseAddress };
        if (bearerToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return client;
    }

    /// <summary>Starts the host and waits for it to exit by itself (start-up refused), killing it after the start timeout.</summary>
    private static async Task<CommandResult> RunToExitAsync(
        RenderedManifest manifest, Sandbox sandbox, Dictionary<string, string> environment, IReadOnlyList<string> extraArguments)
    {
        using var process = Start(manifest, sandbox, environment, extraArguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(StartTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new Xunit.Sdk.XunitException(
                $"The host was still running after {StartTimeout} instead of refusing to start:\n{new CommandResult(process.ExitCode, await stdout, await stderr)}");
        }

        return new CommandResult(process.ExitCode, await stdout, await stderr);
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

    /// <summary>
    /// Starts the published host with the manifest's arguments and environment, paths mapped to this machine.
    /// <paramref name="platformArguments"/> say where the TEE is: <c>--simulation</c> unless given (the production
    /// start-up test gives the emulator's <c>--attestation-root</c> instead).
    /// </summary>
    private static Process Start(
        RenderedManifest manifest, Sandbox sandbox, Dictionary<string, string> environment, IReadOnlyList<string>? extraArguments = null, IReadOnlyList<string>? platformArguments = null)
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

        // Natively there is no /dev/attestation: the host refuses to start without a quote provider unless told to
        // simulate one, or pointed at the hardware emulator's (NativeRunTests.Production.cs, the production path).
        foreach (var argument in platformArguments ?? ["--simulation"])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in extraArguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        // As inside Gramine: nothing from the caller's environment, only what the manifest fixes.
        start.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("The host did not start.");
    }

    private static async Task<RunningHost> RunUntilStartedAsync(
        RenderedManifest manifest, Sandbox sandbox, Dictionary<string, string> environment, IReadOnlyList<string>? platformArguments = null)
    {
        var process = Start(manifest, sandbox, environment, platformArguments: platformArguments);
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
