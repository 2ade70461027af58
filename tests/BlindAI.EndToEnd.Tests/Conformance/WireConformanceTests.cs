using System.Diagnostics;
using System.Globalization;
using BlindAI.Client;
using BlindAI.Client.Errors;
using BlindAI.Client.Models;
using BlindAI.EndToEnd.Tests.Support;
using BlindAI.Protocol;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Problems;
using BlindAI.Protocol.Tensors;
using BlindAI.Testing;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using Xunit.Abstractions;

namespace BlindAI.EndToEnd.Tests.Conformance;

/// <summary>
/// Every model test of Debian's libonnx-testdata 1.12.0 (node tests, simple models, the PyTorch-exported ones) goes
/// client → attested TLS → sample host → ONNX Runtime and back. Each output must be the same bits as a plain
/// in-process ONNX Runtime session gives for the same model and inputs (the wire may not change a single value of any
/// element type), and within the backend tolerance of the reference output.
/// </summary>
[Collection(AttestedHostCollection.Name)]
public sealed class WireConformanceTests(AttestedHostFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] Suites = ["node", "simple", "pytorch-operator", "pytorch-converted"];

    /// <summary>
    /// Backend tests that cannot travel over the BlindAI wire although ONNX Runtime runs them, with the reason. Empty:
    /// every tensor element type of the test data is carried. (Models with sequence, optional or map inputs and outputs
    /// are outside the protocol by design; they are checked to be refused over the wire instead.)
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> WireGaps = new Dictionary<string, string>(StringComparer.Ordinal);

    [Fact]
    public async Task Every_backend_test_gives_over_attested_TLS_the_same_bits_as_in_process_ONNX_Runtime()
    {
        BlindAIClient client = fixture.Client;
        Assert.True(client.Attestation.FreshnessVerified, "the client must have attested the host with a fresh quote before sending anything");
        var tally = new Tally();
        int runsBefore = Requests(ProtocolRoutes.Run, fixture.Host.AttestedPort);
        int uploadsBefore = Requests(ProtocolRoutes.Upload, fixture.Host.ManagementPort);
        var stopwatch = Stopwatch.StartNew();

        foreach (string suite in Suites)
        {
            foreach (string directory in Directory.GetDirectories(Path.Combine(TestAssets.OnnxTestData, suite)).Order(StringComparer.Ordinal))
            {
                await RunTestAsync(client, tally, suite, directory);
            }
        }

        stopwatch.Stop();
        int refused = tally.Skipped.Count(s => s.Contains("refused over the wire", StringComparison.Ordinal));
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"ONNX backend conformance over attested TLS (libonnx-testdata 1.12.0): {tally.Passed.Count} passed, {tally.Failed.Count} failed, {tally.Skipped.Count} skipped ")
            + $"({refused} non-tensor models refused over the wire by design, {tally.Skipped.Count - refused} listed in KnownOrtGaps or WireGaps) "
            + string.Create(CultureInfo.InvariantCulture, $"in {stopwatch.Elapsed.TotalSeconds:F1} s; in-process ONNX Runtime alone passes {tally.InProcessPassed}; ")
            + $"{tally.WireRuns} runs over the wire, bit for bit equal in {tally.BitExactOutputs} outputs; element types carried: "
            + string.Join(", ", tally.Carried.Order().Select(t => $"{t} ({tally.CarriedCount[t]})"));
        string[] report = [summary, .. tally.Skipped, .. tally.Failed];
        foreach (string line in report)
        {
            output.WriteLine(line);
        }

        // Also kept beside the TRX files, since the output of a passing test is not shown by default.
        string results = Path.Combine(TestPaths.RepoRoot, "artifacts", "test-results");
        Directory.CreateDirectory(results);
        await File.WriteAllLinesAsync(Path.Combine(results, "onnx-wire-conformance.txt"), report);

        Assert.True(tally.Failed.Count == 0, $"{tally.Failed.Count} backend tests failed over the wire:\n" + string.Join("\n", tally.Failed));
        // The in-process engine's conformance run passes every tensor test not in KnownOrtGaps; so must this one, but for
        // the wire gaps. And the plain ONNX Runtime session here must not pass more than the wire does.
        Assert.True(tally.Passed.Count >= tally.Eligible - WireGaps.Count,
            $"{tally.Passed.Count} passed over the wire, but the in-process engine passes {tally.Eligible} and only {WireGaps.Count} are wire gaps");
        Assert.True(tally.Passed.Count >= tally.InProcessPassed - WireGaps.Count,
            $"{tally.Passed.Count} passed over the wire, but in-process ONNX Runtime passes {tally.InProcessPassed} and only {WireGaps.Count} are wire gaps");
        Assert.True(tally.Passed.Count > 900, $"only {tally.Passed.Count} backend tests passed: is the test data complete?");

        // Every element type that a tensor model of the test data declares went over the wire (sent or received).
        Assert.Empty(tally.Declared.Except(tally.Carried));

        // The runs really went through the host: uploads on the management port, runs on the attested one.
        Assert.Equal(tally.WireRuns, Requests(ProtocolRoutes.Run, fixture.Host.AttestedPort) - runsBefore);
        Assert.Equal(tally.Uploads, Requests(ProtocolRoutes.Upload, fixture.Host.ManagementPort) - uploadsBefore);
    }

    /// <summary>The requests for <paramref name="path"/> the shared host has received on <paramref name="port"/> so far.</summary>
    private int Requests(string path, int port) => fixture.Host.Requests.All.Count(r => r.Path == path && r.Port == port);

    private static async Task RunTestAsync(BlindAIClient client, Tally tally, string suite, string directory)
    {
        string name = Path.GetFileName(directory);
        string label = $"{suite}/{name}";
        byte[] model = await File.ReadAllBytesAsync(Path.Combine(directory, "model.onnx"));
        ModelProto proto = ModelProto.Parser.ParseFrom(model);
        if (OutsideTheProtocol(proto) is { } design)
        {
            tally.Uploads++;
            string? refusal = await ExpectRefusalAsync(client, model);
            (refusal is null ? tally.Skipped : tally.Failed).Add(refusal is null ? $"{label}: refused over the wire as expected ({design})" : $"{label}: {refusal}");
            return;
        }

        tally.Declare(proto);
        if (!KnownOrtGaps.Tests.ContainsKey(name))
        {
            tally.Eligible++;
        }

        // ONNX Runtime's unseeded random operators draw new numbers on every run: only those outputs are not compared bit for bit.
        bool random = KnownOrtGaps.Tests.TryGetValue(name, out string? gap) && gap.StartsWith("random output", StringComparison.Ordinal);
        Outcome outcome = await CompareAsync(client, tally, directory, model, bitExactRequired: !random);
        if (outcome.Wire is not null)
        {
            tally.Failed.Add($"{label}: over the wire not the same as in-process ONNX Runtime: {outcome.Wire}");
        }
        else if (gap is not null)
        {
            (outcome.Reference is null ? tally.Failed : tally.Skipped).Add(outcome.Reference is null
                ? $"{label}: listed as an ONNX Runtime gap ({gap}) but passes: remove it from KnownOrtGaps"
                : $"{label}: ONNX Runtime gap ({gap}); " + (random ? "random outputs, not compared bit for bit" : "over the wire the same as in-process"));
        }
        else if (WireGaps.TryGetValue(name, out string? wireGap))
        {
            tally.Skipped.Add($"{label}: wire gap ({wireGap})");
        }
        else
        {
            (outcome.Reference is null ? tally.Passed : tally.Failed).Add(outcome.Reference is null ? label : $"{label}: {outcome.Reference}");
        }

        if (gap is null && outcome.InProcessPassed)
        {
            tally.InProcessPassed++;
        }
    }

    /// <summary>Uploads over the wire and runs in process every data set of one test, comparing the two and the reference.</summary>
    private static async Task<Outcome> CompareAsync(BlindAIClient client, Tally tally, string directory, byte[] model, bool bitExactRequired)
    {
        InProcessOnnxRuntime? local = null;
        string? localLoad = null;
        try
        {
            local = new InProcessOnnxRuntime(model);
        }
        catch (OnnxRuntimeException e)
        {
            localLoad = e.Message;
        }

        UploadedModel? uploaded = null;
        string? wireLoad = null;
        tally.Uploads++;
        try
        {
            uploaded = await client.UploadModelAsync(ModelSource.FromBytes(model), new UploadModelOptions { Name = Path.GetFileName(directory) });
        }
        catch (BlindAIRequestException e) when (e.ProblemCode == ProblemCode.InvalidModel)
        {
            wireLoad = e.Message;
        }

        try
        {
            if (local is null || uploaded is null)
            {
                return local is null && uploaded is null
                    ? new Outcome(Wire: null, Reference: $"ONNX Runtime cannot load the model, here ({localLoad}) or on the host ({wireLoad})", InProcessPassed: false)
                    : new Outcome(Wire: local is null ? $"the host loaded a model in-process ONNX Runtime refuses ({localLoad})" : $"the host refused a model in-process ONNX Runtime loads ({wireLoad})", null, false);
            }

            string? wireFault = null, referenceFault = null, localFault = null;
            foreach (string dataSet in Directory.GetDirectories(directory, "test_data_set_*").Order(StringComparer.Ordinal))
            {
                string set = Path.GetFileName(dataSet);
                Tensor[] inputs = [.. Files(dataSet, "input").Select((path, i) => TensorProtoReader.Read(path, local.Inputs[i].Name, local.Inputs[i].ElementType))];
                Tensor[] expected = [.. Files(dataSet, "output").Select((path, i) => TensorProtoReader.Read(path, local.Outputs[i].Name, local.Outputs[i].ElementType))];
                (IReadOnlyList<Tensor>? here, string? hereError) = RunLocally(local, inputs);
                (IReadOnlyList<Tensor>? there, string? thereError) = await RunOverTheWireAsync(client, tally, uploaded.Id, inputs);
                if (here is null || there is null)
                {
                    if ((here is null) != (there is null))
                    {
                        wireFault ??= here is null
                            ? $"{set}: the host ran what in-process ONNX Runtime refuses ({hereError})"
                            : $"{set}: the host refused what in-process ONNX Runtime runs ({thereError})";
                    }

                    referenceFault ??= $"{set}: {thereError ?? hereError}";
                    localFault ??= hereError;
                    continue;
                }

                if (there.Count != here.Count)
                {
                    wireFault ??= $"{set}: {there.Count} outputs over the wire, {here.Count} in-process";
                    continue;
                }

                for (int i = 0; i < here.Count; i++)
                {
                    if (BitExact.Difference(here[i], there[i]) is { } difference)
                    {
                        if (bitExactRequired)
                        {
                            wireFault ??= $"{set}: output '{here[i].Name}': {difference}";
                        }
                    }
                    else
                    {
                        tally.BitExactOutputs++;
                    }

                    tally.Carry(there[i].ElementType);
                }

                foreach (Tensor input in inputs)
                {
                    tally.Carry(input.ElementType);
                }

                referenceFault ??= TensorComparer.FirstDifference(expected, there, set);
                localFault ??= TensorComparer.FirstDifference(expected, here, set);
            }

            return new Outcome(wireFault, referenceFault, localFault is null);
        }
        finally
        {
            local?.Dispose();
            if (uploaded is not null)
            {
                await client.DeleteModelAsync(uploaded.Id);
            }
        }
    }

    private static (IReadOnlyList<Tensor>? Outputs, string? Error) RunLocally(InProcessOnnxRuntime local, Tensor[] inputs)
    {
        try
        {
            return (local.Run(inputs), null);
        }
        catch (OnnxRuntimeException e)
        {
            return (null, e.Message);
        }
    }

    private static async Task<(IReadOnlyList<Tensor>? Outputs, string? Error)> RunOverTheWireAsync(BlindAIClient client, Tally tally, ModelId model, Tensor[] inputs)
    {
        tally.WireRuns++;
        try
        {
            return (await client.RunModelAsync(model, inputs), null);
        }
        catch (BlindAIRequestException e)
        {
            return (null, $"{e.ProblemCode}: {e.Message}");
        }
    }

    /// <summary>A model outside the protocol must be refused by the host as an invalid model, and nothing else.</summary>
    private static async Task<string?> ExpectRefusalAsync(BlindAIClient client, byte[] model)
    {
        try
        {
            UploadedModel accepted = await client.UploadModelAsync(ModelSource.FromBytes(model));
            await client.DeleteModelAsync(accepted.Id);
            return "the host accepted a model BlindAI cannot carry";
        }
        catch (BlindAIRequestException e) when (e.ProblemCode == ProblemCode.InvalidModel)
        {
            return null;
        }
    }

    /// <summary>Why the model cannot travel over the BlindAI protocol (a non-tensor input or output), or <see langword="null"/>.</summary>
    private static string? OutsideTheProtocol(ModelProto model)
    {
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

    private static IEnumerable<string> Files(string dataSet, string prefix) =>
        Directory.GetFiles(dataSet, prefix + "_*.pb").OrderBy(p => int.Parse(Path.GetFileNameWithoutExtension(p)[(prefix.Length + 1)..], CultureInfo.InvariantCulture));

    /// <param name="Wire">How the wire result differs from in-process ONNX Runtime, or <see langword="null"/>.</param>
    /// <param name="Reference">How the wire result differs from the reference outputs, or <see langword="null"/>.</param>
    /// <param name="InProcessPassed">Whether in-process ONNX Runtime alone matches the reference outputs.</param>
    private sealed record Outcome(string? Wire, string? Reference, bool InProcessPassed);

    private sealed class Tally
    {
        public List<string> Passed { get; } = [];

        public List<string> Skipped { get; } = [];

        public List<string> Failed { get; } = [];

        /// <summary>Tensor tests not listed in <see cref="KnownOrtGaps"/>: those the in-process engine passes.</summary>
        public int Eligible { get; set; }

        /// <summary>Tests whose reference outputs a plain in-process ONNX Runtime session matches.</summary>
        public int InProcessPassed { get; set; }

        public int Uploads { get; set; }

        public int WireRuns { get; set; }

        public int BitExactOutputs { get; set; }

        /// <summary>Element types declared by the inputs and outputs of the tensor models.</summary>
        public HashSet<TensorElementType> Declared { get; } = [];

        public HashSet<TensorElementType> Carried => [.. CarriedCount.Keys];

        /// <summary>How many tensors of each element type went over the wire (inputs sent, outputs received).</summary>
        public Dictionary<TensorElementType, int> CarriedCount { get; } = [];

        public void Declare(ModelProto model)
        {
            foreach (ValueInfoProto value in model.Graph.Input.Concat(model.Graph.Output))
            {
                Declared.Add(TensorProtoReader.ElementType(value.Type.TensorType.ElemType)!.Value);
            }
        }

        public void Carry(TensorElementType type) => CarriedCount[type] = CarriedCount.GetValueOrDefault(type) + 1;
    }
}
