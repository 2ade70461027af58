using System.Reflection;

namespace BlindAI.Testing;

/// <summary>Where the test inputs live. Missing inputs fail the test loudly; they are never skipped.</summary>
public static class TestPaths
{
    /// <summary>The repository root.</summary>
    public static string RepoRoot => Existing(Metadata("BlindAI.RepoRoot"));

    /// <summary>A file under <c>tests/TestData</c>: the real third-party vectors, whose README states where each comes from.</summary>
    public static string TestData(params string[] parts) => Existing(Path.Combine([RepoRoot, "tests", "TestData", .. parts]));

    /// <summary>Reads a file under <c>tests/TestData</c>.</summary>
    public static byte[] ReadTestData(params string[] parts) => File.ReadAllBytes(TestData(parts));

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing: see tests/Directory.Build.props.");

    private static string Existing(string path) =>
        File.Exists(path) || Directory.Exists(path)
            ? path
            : throw new FileNotFoundException($"Test input {path} does not exist: the repository's tests/TestData is incomplete.", path);
}
