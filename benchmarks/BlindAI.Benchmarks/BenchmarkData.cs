using System.Reflection;

namespace BlindAI.Benchmarks;

/// <summary>The shared test vectors (../shared/testdata next to the checkout) that benchmarks run on.</summary>
internal static class BenchmarkData
{
    public static string TestData(params string[] parts)
    {
        string shared = typeof(BenchmarkData).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BlindAI.SharedDirectory").Value!;
        string path = Path.Combine([shared, "testdata", .. parts]);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Benchmark input {path} is missing: ../shared must sit next to the checkout.", path);
    }
}
