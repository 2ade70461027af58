using System.Reflection;
using System.Text.Json;

namespace BlindAI.Testing;

/// <summary>
/// The packaging files next to the sample host, and the manifest template rendered as <c>make</c> does it: the
/// Makefile's own <c>-D</c> variables, rendered by real Jinja2 with gramine-manifest's settings and parsed by Python's
/// tomllib (<c>render_manifest.py</c>, run by Debian's <c>/usr/bin/python3</c>). No TOML library is needed here, so the
/// security tests use it as well as the packaging tests.
/// </summary>
public static class GramineFolder
{
    /// <summary>Gramine's package library folder on a Debian/Ubuntu host with Gramine's packages.</summary>
    public const string PackageLibDir = "/usr/lib/x86_64-linux-gnu/gramine";

    /// <summary>Where <c>gramine.runtimedir()</c> points with <see cref="PackageLibDir"/>.</summary>
    public const string RuntimeDir = PackageLibDir + "/runtime/glibc";

    /// <summary>
    /// Debian's Python 3.11, which has tomllib and for which the pinned Debian Jinja2 is built. The <c>python3</c> on
    /// PATH may be another interpreter (pyenv) without them.
    /// </summary>
    private const string Python = "/usr/bin/python3";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    public static string HostProject => Path.Combine(TestPaths.RepoRoot, "samples", "BlindAI.SampleHost");

    public static string Root => Path.Combine(HostProject, "gramine");

    public static string File(string name)
    {
        var path = Path.Combine(Root, name);
        return System.IO.File.Exists(path) ? path : throw new FileNotFoundException($"Packaging file {path} is missing.", path);
    }

    /// <summary>
    /// The -D variables the Makefile passes to gramine-manifest, with the given make variables
    /// overriding its defaults (for example <c>DEBUG=1</c>).
    /// </summary>
    public static async Task<Dictionary<string, string>> MakefileDefinesAsync(params string[] makeVariables)
    {
        var result = await ExternalCommand.RunAsync(
            "make", ["-s", "--no-print-directory", "print-defines", .. makeVariables], Root, CommandTimeout);
        Assert.True(result.ExitCode == 0, $"make print-defines failed: {result}");

        var defines = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(equals > 0, $"make print-defines printed '{line}', not name=value.");
            Assert.True(defines.TryAdd(line[..equals], line[(equals + 1)..]), $"make print-defines repeats {line[..equals]}.");
        }

        return defines;
    }

    /// <summary>
    /// Renders <c>blindai-host.manifest.template</c> with the Makefile's variables (given make variables override its
    /// defaults), as <c>gramine-manifest</c> does.
    /// </summary>
    public static async Task<RenderedTemplate> RenderTemplateAsync(params string[] makeVariables)
    {
        var defines = await MakefileDefinesAsync(makeVariables);
        var script = Path.Combine(TestPaths.RepoRoot, "tests", "BlindAI.SampleHost.Tests", "Packaging", "render_manifest.py");
        var result = await ExternalCommand.RunAsync(
            Python,
            ["-s", script, File("blindai-host.manifest.template"), "--pkglibdir", PackageLibDir, .. defines.Select(d => $"-D{d.Key}={d.Value}")],
            Root,
            CommandTimeout,
            environment: new Dictionary<string, string?>
            {
                ["PYTHONPATH"] = Jinja2PythonPath(),
                ["PYTHONHOME"] = null,
                // The unpacked packages are shared by every checkout on the machine: leave them as fetched.
                ["PYTHONDONTWRITEBYTECODE"] = "1",
            });
        Assert.True(result.ExitCode == 0, $"render_manifest.py failed: {result}");

        using var output = JsonDocument.Parse(result.StandardOutput);
        var root = output.RootElement;
        var argv = root.GetProperty("argv");
        var environment = root.GetProperty("env");
        Assert.True(argv.ValueKind == JsonValueKind.Array, $"The manifest has no loader.argv array: {argv}");
        Assert.True(environment.ValueKind == JsonValueKind.Object, $"The manifest has no loader.env table: {environment}");
        return new RenderedTemplate(
            root.GetProperty("manifest").GetString()!,
            [.. argv.EnumerateArray().Select(argument => FixedString(argument, "loader.argv"))],
            environment.EnumerateObject().ToDictionary(
                variable => variable.Name, variable => FixedString(variable.Value, "loader.env." + variable.Name), StringComparer.Ordinal),
            defines);
    }

    private static string FixedString(JsonElement value, string key) =>
        value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new Xunit.Sdk.XunitException($"{key} should hold fixed strings (not passthrough), but has {value}.");

    private static string Jinja2PythonPath()
    {
        var path = typeof(GramineFolder).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "BlindAI.Assets.Jinja2PythonPath")?.Value
            ?? throw new InvalidOperationException("Assembly metadata BlindAI.Assets.Jinja2PythonPath is missing: import eng/assets/TestAssets.targets.");
        foreach (var folder in path.Split(':'))
        {
            if (!System.IO.File.Exists(Path.Combine(folder, ".complete")))
            {
                throw new DirectoryNotFoundException($"{folder} is not a finished asset. Build the test project: it fetches the pinned assets (eng/assets/fetch-test-assets.sh).");
            }
        }

        return path;
    }
}

/// <summary>A manifest template rendered by gramine-manifest's engine, with what tomllib read from it.</summary>
/// <param name="Text">The rendered TOML text.</param>
/// <param name="Argv"><c>loader.argv</c>: the enclave's measured command line, argv[0] first.</param>
/// <param name="Environment"><c>loader.env</c>.</param>
/// <param name="Defines">The -D variables it was rendered with.</param>
public sealed record RenderedTemplate(
    string Text, IReadOnlyList<string> Argv, IReadOnlyDictionary<string, string> Environment, IReadOnlyDictionary<string, string> Defines);
