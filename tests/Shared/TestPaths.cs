using System.Reflection;

namespace BlindAI.Tests;

/// <summary>Where the test inputs live. Missing inputs fail the test loudly; they are never skipped.</summary>
internal static class TestPaths
{
    /// <summary>The shared, read-only folder next to the checkout (DESIGN.md, reference/, testdata/).</summary>
    public static string Shared => Existing(Metadata("BlindAI.SharedDirectory"));

    /// <summary>The repository root.</summary>
    public static string RepoRoot => Existing(Metadata("BlindAI.RepoRoot"));

    /// <summary>A file under <c>../shared/testdata</c>.</summary>
    public static string TestData(params string[] parts) => Existing(Path.Combine([Shared, "testdata", .. parts]));

    /// <summary>Reads a file under <c>../shared/testdata</c>.</summary>
    public static byte[] ReadTestData(params string[] parts) => File.ReadAllBytes(TestData(parts));

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing: see tests/Directory.Build.props.");

    private static string Existing(string path) =>
        File.Exists(path) || Directory.Exists(path)
            ? path
            : throw new FileNotFoundException($"Test input {path} does not exist. The shared test data must sit in ../shared next to the checkout.", path);
}
