using BlindAI.Testing;

namespace BlindAI.Client.Tests.Aot;

/// <summary>
/// The client-side packages (Attestation, Protocol, Client) declare <c>IsTrimmable</c> and <c>IsAotCompatible</c>. This
/// proves it end to end: samples/BlindAI.AotClient is published with Native AOT (every trim and AOT warning an error,
/// one by one) and the native binary then attests a simulated host with a pinned MRENCLAVE, uploads a model and runs it.
/// </summary>
/// <remarks>
/// Publishing compiles to native code (about a minute) with clang as the linker, as every Native AOT publish on Linux
/// does. A separate artifacts path keeps it away from the obj/ and bin/ folders of the normal build.
/// </remarks>
public sealed class NativeAotClientTests : IClassFixture<NativeAotClientFixture>
{
    private readonly NativeAotClientFixture _published;

    public NativeAotClientTests(NativeAotClientFixture published) => _published = published;

    [Fact]
    public void The_native_aot_client_publishes_to_a_native_executable_without_a_single_warning()
    {
        Assert.True(_published.ExitCode == 0, $"Native AOT publish failed:\n{_published.Output}");
        Assert.DoesNotContain("warning", _published.Output, StringComparison.OrdinalIgnoreCase);
        Assert.True(File.Exists(_published.ClientPath), $"No native executable at {_published.ClientPath}.");
        Assert.False(File.Exists(Path.ChangeExtension(_published.ClientPath, ".dll")), "The publish produced IL, not a native executable.");
    }

    [Fact]
    public async Task The_native_aot_client_attests_the_pinned_enclave_uploads_runs_and_deletes_a_model()
    {
        await using SimulatedHost server = await SimulatedHost.StartAsync();

        CommandResult run = await RunClientAsync(server, SimulatedHost.SimulatedMrEnclave.ToString());

        Assert.True(run.ExitCode == 0, $"The native client failed: {run}");
        Assert.Contains($"attested MRENCLAVE {SimulatedHost.SimulatedMrEnclave}", run.StandardOutput, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("fresh True", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("output C [2x3] 4,3,2,1,0,-1", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("deleted ", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_native_aot_client_sends_nothing_to_a_server_whose_enclave_is_not_the_pinned_one()
    {
        await using SimulatedHost server = await SimulatedHost.StartAsync();

        CommandResult run = await RunClientAsync(server, new string('0', 64));

        Assert.True(run.ExitCode == 1, $"The native client should have refused the server: {run}");
        Assert.StartsWith("AttestationException", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("uploaded", run.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, server.Requests.ModelOrDataRequests);
    }

    private async Task<CommandResult> RunClientAsync(SimulatedHost server, string mrEnclave)
    {
        Assert.True(File.Exists(_published.ClientPath), $"Native AOT publish failed:\n{_published.Output}");
        return await ExternalCommand.RunAsync(
            _published.ClientPath,
            [
                "127.0.0.1", $"{server.UntrustedPort}", $"{server.AttestedPort}", $"{server.ManagementPort}",
                "--mrenclave", mrEnclave, "--model", _published.ModelPath,
                "--input", "A=2x3:5,5,5,5,5,5", "--input", "B=2x3:1,2,3,4,5,6",
                "--insecure-simulation-root", server.RootPath,
            ],
            Path.GetDirectoryName(_published.ClientPath)!,
            TimeSpan.FromMinutes(2));
    }
}

/// <summary>Publishes samples/BlindAI.AotClient with Native AOT once for the class, into a temporary folder.</summary>
public sealed class NativeAotClientFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("blindai-aot-client-");

    /// <summary>The native executable.</summary>
    public string ClientPath => Path.Combine(_root.FullName, "publish", "BlindAI.AotClient");

    /// <summary>A model the client uploads: C = A - B over float [2, 3].</summary>
    public string ModelPath => Path.Combine(_root.FullName, "subtract.onnx");

    public int ExitCode { get; private set; }

    /// <summary>Everything the publish printed.</summary>
    public string Output { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        await File.WriteAllBytesAsync(ModelPath, TestModels.Subtract());
        string project = Path.Combine(TestPaths.RepoRoot, "samples", "BlindAI.AotClient", "BlindAI.AotClient.csproj");
        CommandResult publish = await ExternalCommand.RunAsync(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet",
            [
                "publish", project, "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true",
                "--output", Path.GetDirectoryName(ClientPath)!, "--artifacts-path", Path.Combine(_root.FullName, "artifacts"),
                "--disable-build-servers", "--nologo",
            ],
            _root.FullName,
            TimeSpan.FromMinutes(10),
            environment: new Dictionary<string, string?>
            {
                // Set by the test host for its own MSBuild; the child publish must find its SDK itself.
                ["MSBuildSDKsPath"] = null,
                ["MSBUILD_EXE_PATH"] = null,
                ["MSBuildExtensionsPath"] = null,
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            });
        ExitCode = publish.ExitCode;
        Output = publish.StandardOutput + publish.StandardError;
    }

    public Task DisposeAsync()
    {
        _root.Delete(recursive: true);
        return Task.CompletedTask;
    }
}
