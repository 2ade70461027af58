using BlindAI.Tests;

namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>The packaging files next to the sample host, and how the tests render them the way the Makefile does.</summary>
internal static class GramineFolder
{
    /// <summary>Where <c>gramine.runtimedir()</c> points on a Debian/Ubuntu host with Gramine's packages.</summary>
    public const string RuntimeDir = "/usr/lib/x86_64-linux-gnu/gramine/runtime/glibc";

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
            "make", ["-s", "--no-print-directory", "print-defines", .. makeVariables], Root, TimeSpan.FromSeconds(30));
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

    /// <summary>Renders the manifest template with the Makefile's variables, as gramine-manifest would.</summary>
    public static async Task<RenderedManifest> RenderAsync(params string[] makeVariables)
    {
        var defines = await MakefileDefinesAsync(makeVariables);
        defines["gramine.runtimedir()"] = RuntimeDir;
        var template = await System.IO.File.ReadAllTextAsync(File("blindai-host.manifest.template"));
        return RenderedManifest.Parse(JinjaSubsetRenderer.Render(template, defines), defines);
    }
}
