using System.Text.Json;
using System.Text.RegularExpressions;
using BlindAI.Testing;

namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>
/// The Dockerfile and the GSC user manifest say the same things as the Gramine template. No Docker
/// engine or GSC runs in CI, so these are consistency checks; the images themselves are built by
/// deployers (DEPLOYING.md).
/// </summary>
public sealed partial class ContainerPackagingTests
{
    private static string Dockerfile => Path.Combine(GramineFolder.HostProject, "Dockerfile");

    [Fact]
    public async Task GSC_manifest_fixes_the_same_runtime_environment_as_the_Gramine_template()
    {
        var template = await RenderedManifest.RenderAsync();
        var gsc = await GscManifestAsync();

        var templateEnvironment = template.Environment.Where(variable => variable.Key != "LD_LIBRARY_PATH" && variable.Key != "SSL_CERT_DIR"
            && !variable.Value.StartsWith("/etc/blindai/ca-", StringComparison.Ordinal));
        Assert.All(templateEnvironment, variable => Assert.Equal(variable.Value, gsc.Environment.GetValueOrDefault(variable.Key)));
        Assert.All(
            new[] { "sgx.remote_attestation", "sgx.enclave_size", "sys.stack.size", "sys.brk.max_size", "sgx.file_check_policy" },
            key => Assert.Equal(template.String(key), gsc.String(key)));
        Assert.All(
            new[] { "sgx.use_exinfo", "sys.enable_sigterm_injection", "sys.disallow_subprocesses" },
            key => Assert.Equal(template.Boolean(key), gsc.Boolean(key)));
        Assert.All(
            new[] { "sgx.max_threads", "sgx.isvprodid", "sgx.isvsvn", "sys.fds.limit" },
            key => Assert.Equal(template.Integer(key), gsc.Integer(key)));
        Assert.Equal("_sgx_mrenclave", Assert.Single(gsc.Tables("fs.mounts"), mount => (string)mount["path"] == "/data")["key_name"]);
    }

    [Fact]
    public async Task GSC_manifest_leaves_argv_and_debug_to_GSC_and_enables_nothing_insecure()
    {
        var gsc = await GscManifestAsync();

        Assert.DoesNotContain(gsc.LeafKeys(), key => key.Contains("insecure__", StringComparison.Ordinal));
        Assert.DoesNotContain(gsc.LeafKeys(), key => !GramineManifestRules.IsKnownKey(key));
        Assert.False(gsc.Contains("loader.argv"));
        Assert.False(gsc.Contains("libos.entrypoint"));
        Assert.False(gsc.Contains("sgx.debug"));
    }

    [Fact]
    public async Task Docker_image_entrypoint_and_arguments_are_the_manifest_argv()
    {
        var template = await RenderedManifest.RenderAsync();
        var app = Stage("app");

        var entrypoint = JsonArray(Single(app, "ENTRYPOINT"));
        var command = JsonArray(Single(app, "CMD"));

        Assert.Equal(template.Strings("loader.argv"), [.. entrypoint, .. command]);
        Assert.Equal(template.String("libos.entrypoint"), entrypoint[0]);
        Assert.DoesNotContain("9925", Single(app, "EXPOSE"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Docker_image_environment_matches_the_manifest_for_the_variables_it_sets()
    {
        var template = await RenderedManifest.RenderAsync();
        var environment = EnvironmentOf(Single(Stage("app"), "ENV"));

        Assert.NotEmpty(environment);
        Assert.All(environment, variable => Assert.Equal(template.Environment[variable.Key], variable.Value));
    }

    [Fact]
    public void Docker_build_publishes_with_the_shared_response_file_and_copies_only_existing_paths()
    {
        var instructions = Instructions().ToList();

        Assert.Contains(instructions, instruction => instruction.Keyword == "RUN"
            && instruction.Arguments.Contains("dotnet publish samples/BlindAI.SampleHost/BlindAI.SampleHost.csproj", StringComparison.Ordinal)
            && instruction.Arguments.Contains("@samples/BlindAI.SampleHost/gramine/publish.rsp", StringComparison.Ordinal));
        Assert.Contains(instructions, instruction => instruction.Keyword == "RUN"
            && instruction.Arguments.Contains("--mount=type=secret,id=enclave-key,required=true", StringComparison.Ordinal)
            && instruction.Arguments.Contains("SKIP_PUBLISH=1", StringComparison.Ordinal));

        var sources = instructions
            .Where(instruction => instruction.Keyword == "COPY" && !instruction.Arguments.StartsWith("--from=", StringComparison.Ordinal))
            .SelectMany(instruction => instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))
            .ToList();
        Assert.NotEmpty(sources);
        Assert.All(sources, source =>
        {
            var path = Path.Combine(TestPaths.RepoRoot, source);
            Assert.True(File.Exists(path) || Directory.Exists(path), $"COPY {source}: not in the repository.");
        });
    }

    private static async Task<RenderedManifest> GscManifestAsync() =>
        RenderedManifest.Parse(await File.ReadAllTextAsync(GramineFolder.File("blindai-host.gsc.manifest")), new Dictionary<string, string>());

    private static IEnumerable<(string Stage, string Keyword, string Arguments)> Instructions()
    {
        var text = File.ReadAllText(Dockerfile).Replace("\\\n", " ", StringComparison.Ordinal);
        var stage = "";
        foreach (var line in text.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#')))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var keyword = line[..space].ToUpperInvariant();
            var arguments = Whitespace().Replace(line[(space + 1)..], " ");
            if (keyword == "FROM")
            {
                var asIndex = arguments.LastIndexOf(" AS ", StringComparison.OrdinalIgnoreCase);
                stage = asIndex < 0 ? "" : arguments[(asIndex + 4)..];
            }

            yield return (stage, keyword, arguments);
        }
    }

    private static List<(string Keyword, string Arguments)> Stage(string name)
    {
        var stage = Instructions().Where(instruction => instruction.Stage == name).Select(i => (i.Keyword, i.Arguments)).ToList();
        Assert.True(stage.Count > 0, $"The Dockerfile has no stage '{name}'.");
        return stage;
    }

    private static string Single(List<(string Keyword, string Arguments)> stage, string keyword) =>
        Assert.Single(stage, instruction => instruction.Keyword == keyword).Arguments;

    private static string[] JsonArray(string arguments) =>
        JsonSerializer.Deserialize<string[]>(arguments) ?? throw new Xunit.Sdk.XunitException($"'{arguments}' is not a JSON array.");

    private static Dictionary<string, string> EnvironmentOf(string arguments) =>
        arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
