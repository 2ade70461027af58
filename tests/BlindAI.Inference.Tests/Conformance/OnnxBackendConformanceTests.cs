using System.Diagnostics;
using BlindAI.Protocol.Tensors;
using BlindAI.Testing;
using Onnx;
using Xunit.Abstractions;

namespace BlindAI.Inference.Tests.Conformance;

/// <summary>
/// Every model test of Debian's libonnx-testdata 1.12.0 (the ONNX backend test data: node tests, simple models and the
/// PyTorch-exported ones) goes through the engine, upload to outputs, and must match the reference outputs.
/// </summary>
public sealed class OnnxBackendConformanceTests(ITestOutputHelper output)
{
    private static readonly string[] Suites = ["node", "simple", "pytorch-operator", "pytorch-converted"];

    [Fact]
    public async Task Every_backend_test_runs_through_the_engine_and_matches_its_reference_outputs()
    {
        using OnnxInferenceEngine engine = Engines.Create(o => o.MaxRequestBytes = 1L << 30);
        var passed = new List<string>();
        var skipped = new List<string>();
        var failed = new List<string>();
        var stopwatch = Stopwatch.StartNew();

        foreach (string suite in Suites)
        {
            foreach (string directory in Directory.GetDirectories(Path.Combine(TestAssets.OnnxTestData, suite)).Order(StringComparer.Ordinal))
            {
                string name = Path.GetFileName(directory);
                string? design = OutsideTheProtocol(Path.Combine(directory, "model.onnx"));
                string? failure = await RunAsync(engine, directory, expectRefusal: design is not null);
                if (design is not null && failure is null)
                {
                    skipped.Add($"{suite}/{name}: refused as expected ({design})");
                }
                else if (KnownOrtGaps.Tests.TryGetValue(name, out string? reason))
                {
                    (failure is null ? failed : skipped).Add(failure is null
                        ? $"{suite}/{name}: listed as an ONNX Runtime gap ({reason}) but passes: remove it from KnownOrtGaps"
                        : $"{suite}/{name}: ONNX Runtime gap ({reason})");
                }
                else
                {
                    (failure is null ? passed : failed).Add(failure is null ? name : $"{suite}/{name}: {failure}");
                }
            }
        }

        int byDesign = skipped.Count(s => s.Contains("refused as expected", StringComparison.Ordinal));
        string summary = $"ONNX backend conformance (libonnx-testdata 1.12.0): {passed.Count} passed, {failed.Count} failed, {skipped.Count} skipped "
            + $"({byDesign} non-tensor models refused by design, {skipped.Count - byDesign} listed in KnownOrtGaps) in {stopwatch.Elapsed.TotalSeconds:F1} s";
        string[] report = [summary, .. skipped, .. failed];
        foreach (string line in report)
        {
            output.WriteLine(line);
        }

        // Also kept beside the TRX files, since test output of passing tests is not shown by default.
        string results = Path.Combine(TestPaths.RepoRoot, "artifacts", "test-results");
        Directory.CreateDirectory(results);
        await File.WriteAllLinesAsync(Path.Combine(results, "onnx-backend-conformance.txt"), report);

        Assert.True(passed.Count > 800, $"only {passed.Count} tests passed");
        Assert.True(failed.Count == 0, $"{failed.Count} backend tests failed:\n" + string.Join("\n", failed));
    }

    /// <summary>Why the model cannot travel over the BlindAI protocol (a non-tensor input or output), or <see langword="null"/>.</summary>
    private static string? OutsideTheProtocol(string modelPath)
    {
        ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        foreach (ValueInfoProto value in model.Graph.Input.Concat(model.Graph.Output))
        {
            if (value.Type.ValueCase != TypeProto.ValueOneofCase.TensorType)
            {
                return $"'{value.Name}' is a {value.Type.ValueCase}; BlindAI carries tensors only";
            }

            if (TensorProtoReader.ElementType(value.Type.TensorType.ElemType) is null)
            {
                return $"'{value.Name}' has ONNX element type {value.Type.TensorType.ElemType}, which BlindAI does not carry";
            }
        }

        return null;
    }

    /// <returns><see langword="null"/> on success, else what went wrong.</returns>
    private static async Task<string?> RunAsync(OnnxInferenceEngine engine, string directory, bool expectRefusal)
    {
        ModelInfo model;
        try
        {
            model = await engine.UploadAsync(await File.ReadAllBytesAsync(Path.Combine(directory, "model.onnx")));
        }
        catch (InferenceException e)
        {
            return expectRefusal && e.Reason == InferenceError.UnsupportedModel ? null : $"upload: {e.Reason}: {e.Message}";
        }

        try
        {
            if (expectRefusal)
            {
                return "the engine accepted a model BlindAI cannot carry";
            }

            foreach (string dataSet in Directory.GetDirectories(directory, "test_data_set_*").Order(StringComparer.Ordinal))
            {
                Tensor[] inputs = [.. Files(dataSet, "input").Select((path, i) => TensorProtoReader.Read(path, model.Inputs[i].Name, model.Inputs[i].ElementType))];
                Tensor[] expected = [.. Files(dataSet, "output").Select((path, i) => TensorProtoReader.Read(path, model.Outputs[i].Name, model.Outputs[i].ElementType))];
                IReadOnlyList<Tensor> actual;
                try
                {
                    actual = await engine.RunAsync(model.Id, inputs);
                }
                catch (InferenceException e)
                {
                    return $"{Path.GetFileName(dataSet)}: {e.Reason}: {e.Message}";
                }

                if (TensorComparer.FirstDifference(expected, actual, Path.GetFileName(dataSet)) is { } difference)
                {
                    return difference;
                }
            }

            return null;
        }
        finally
        {
            await engine.DeleteAsync(model.Id);
        }
    }

    private static IEnumerable<string> Files(string dataSet, string prefix) =>
        Directory.GetFiles(dataSet, prefix + "_*.pb").OrderBy(p => int.Parse(Path.GetFileNameWithoutExtension(p)[(prefix.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture));
}
