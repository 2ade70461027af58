using System.Reflection;

namespace BlindAI.Benchmarks;

/// <summary>The real test vectors (tests/TestData in the repository) that benchmarks run on.</summary>
internal static class BenchmarkData
{
    public static string TestData(params string[] parts)
    {
        string testData = typeof(BenchmarkData).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BlindAI.TestDataDirectory").Value!;
        string path = Path.Combine([testData, .. parts]);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Benchmark input {path} is missing from the repository's tests/TestData.", path);
    }
}
