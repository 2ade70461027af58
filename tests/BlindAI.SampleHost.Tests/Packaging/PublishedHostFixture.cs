using BlindAI.Testing;

namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>
/// Publishes the sample host exactly as the Makefile and the Dockerfile do
/// (<c>dotnet publish … @gramine/publish.rsp</c>: self-contained linux-x64, ReadyToRun, Release)
/// into a temporary folder, once for every test that needs the real enclave payload.
/// </summary>
/// <remarks>
/// Publishing costs ~30–90 s (and, on a fresh machine, the linux-x64 runtime packs from NuGet), so
/// it happens once per test run. The alternative, comparing with the host's Debug build folder, would
/// check the wrong thing: that folder is framework-dependent, keeps native libraries under runtimes/,
/// and has no .NET runtime in it, whereas the manifest must describe the publish output.
/// A separate artifacts path keeps this publish from touching the obj/ and bin/ folders that the
/// normal build (and other test projects) use.
/// </remarks>
public sealed class PublishedHostFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("blindai-gramine-publish-");

    /// <summary>The publish output: what the manifest mounts at /app and trusts.</summary>
    public string PublishDirectory => Path.Combine(_root.FullName, "publish");

    /// <summary>The manifest rendered with the Makefile defaults and this publish folder.</summary>
    public RenderedManifest Manifest { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var result = await ExternalCommand.RunAsync(
            dotnet,
            [
                "publish", Path.Combine(GramineFolder.HostProject, "BlindAI.SampleHost.csproj"),
                "@" + GramineFolder.File("publish.rsp"),
                "--output", PublishDirectory,
                "--artifacts-path", Path.Combine(_root.FullName, "artifacts"),
                "--disable-build-servers",
                "--nologo",
            ],
            GramineFolder.HostProject,
            TimeSpan.FromMinutes(10),
            environment: new Dictionary<string, string?>
            {
                // Set by the test host for its own MSBuild; the child publish must find its SDK itself.
                ["MSBuildSDKsPath"] = null,
                ["MSBUILD_EXE_PATH"] = null,
                ["MSBuildExtensionsPath"] = null,
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            });
        Assert.True(result.ExitCode == 0, $"dotnet publish with gramine/publish.rsp failed: {result}");

        Manifest = await RenderedManifest.RenderAsync("PUBLISH_DIR=" + PublishDirectory);
    }

    public Task DisposeAsync()
    {
        _root.Delete(recursive: true);
        return Task.CompletedTask;
    }
}
