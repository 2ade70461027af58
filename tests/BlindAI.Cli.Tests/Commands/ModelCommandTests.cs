using System.Globalization;
using System.Text;
using System.Text.Json;
using BlindAI.Cli.Commands;
using BlindAI.Protocol.Tensors;
using BlindAI.Testing;

namespace BlindAI.Cli.Tests.Commands;

public sealed class ModelCommandTests : IAsyncLifetime
{
    private SimulatedHost _host = null!;
    private string _policyPath = null!;

    public async Task InitializeAsync()
    {
        _host = await SimulatedHost.StartAsync();
        _policyPath = Path.Combine(_host.DataDirectory, "policy.json");
        await File.WriteAllTextAsync(_policyPath, $$"""{ "sgx": { "mrEnclave": "{{SimulatedHost.SimulatedMrEnclave}}" } }""");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Upload_run_with_npy_and_json_inputs_then_delete_round_trips_through_the_attested_server()
    {
        string work = Path.Combine(_host.DataDirectory, "cli");
        Directory.CreateDirectory(work);
        float[] x = [.. Enumerable.Range(0, 60).Select(i => i * 0.5f)];
        float[] y = [.. Enumerable.Range(0, 60).Select(i => 100f - i)];
        await File.WriteAllBytesAsync(Path.Combine(work, "x.npy"), ModelCommand.Npy.Write(Tensor.Create<float>(x, [3, 4, 5])));
        await File.WriteAllBytesAsync(Path.Combine(work, "y.npy"), ModelCommand.Npy.Write(Tensor.Create<float>(y, [3, 4, 5])));

        CliRun upload = await CliRun.InvokeAsync([.. Server("upload"), "--file", OnnxAddModel(), "--name", "add"]);
        Assert.True(upload.ExitCode == 0, upload.Output + upload.Error);
        string id = JsonDocument.Parse(upload.Output).RootElement.GetProperty("modelId").GetString()!;
        string hash = JsonDocument.Parse(upload.Output).RootElement.GetProperty("modelHash").GetString()!;

        string outputs = Path.Combine(work, "out");
        CliRun runNpy = await CliRun.InvokeAsync([.. Server("run"), "--id", id, "--input", "x=" + Path.Combine(work, "x.npy"), "--input", "y=" + Path.Combine(work, "y.npy"), "--output-dir", outputs]);
        Assert.True(runNpy.ExitCode == 0, runNpy.Output + runNpy.Error);
        Tensor sum = ModelCommand.Npy.Read(await File.ReadAllBytesAsync(Path.Combine(outputs, "sum.npy")), "sum.npy");
        Assert.Equal([3L, 4L, 5L], sum.Shape.ToArray());
        Assert.Equal(x.Zip(y, (a, b) => a + b).ToArray(), sum.ToArray<float>());

        string json = Path.Combine(work, "inputs.json");
        await File.WriteAllTextAsync(json, "[" + JsonTensor("x", x) + "," + JsonTensor("y", y) + "]");
        CliRun runJson = await CliRun.InvokeAsync([.. Server("run"), "--hash", hash, "--inputs-json", json]);
        Assert.True(runJson.ExitCode == 0, runJson.Output + runJson.Error);
        JsonElement output = JsonDocument.Parse(runJson.Output).RootElement.GetProperty("outputs")[0];
        Assert.Equal("F32", output.GetProperty("datumType").GetString());
        Assert.Equal(100f, output.GetProperty("data")[0].GetSingle());

        CliRun delete = await CliRun.InvokeAsync([.. Server("delete"), "--id", id]);
        CliRun afterDelete = await CliRun.InvokeAsync([.. Server("run"), "--id", id, "--inputs-json", json]);
        Assert.Equal(0, delete.ExitCode);
        Assert.Equal(1, afterDelete.ExitCode);
        Assert.Contains("UnknownModel", afterDelete.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_is_uploaded_to_a_server_that_fails_attestation()
    {
        _host.Requests.Clear();

        CliRun upload = await CliRun.InvokeAsync([.. Server("upload").Where(a => a != "--simulation-root" && a != _host.RootPath), "--file", OnnxAddModel()]);

        Assert.Equal(1, upload.ExitCode);
        Assert.Contains("REJECTED", upload.Error, StringComparison.Ordinal);
        Assert.Equal(0, _host.Requests.ModelOrDataRequests);
    }

    [Fact]
    public async Task Insecure_any_enclave_has_no_effect_when_an_identity_is_pinned()
    {
        CliRun upload = await CliRun.InvokeAsync([.. Server("upload"), "--file", OnnxAddModel(), "--insecure-any-enclave"]);

        Assert.True(upload.ExitCode == 0, upload.Output + upload.Error);
        Assert.Contains("--insecure-any-enclave has no effect", upload.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING", upload.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Npy_reads_what_numpy_writes_and_refuses_fortran_order_and_big_endian()
    {
        // np.save of np.arange(6, dtype='<i8').reshape(2, 3): version 1.0, header padded to a multiple of 64.
        byte[] file = NumpyFile("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }", [.. Enumerable.Range(0, 6).SelectMany(i => BitConverter.GetBytes((long)i))]);
        Tensor tensor = ModelCommand.Npy.Read(file, "a.npy");
        Assert.Equal(TensorElementType.Int64, tensor.ElementType);
        Assert.Equal([2L, 3L], tensor.Shape.ToArray());
        Assert.Equal([0L, 1, 2, 3, 4, 5], tensor.ToArray<long>());
        Assert.Equal(file, ModelCommand.Npy.Write(tensor));

        Assert.Throws<CliInputException>(() => ModelCommand.Npy.Read(NumpyFile("{'descr': '<i8', 'fortran_order': True, 'shape': (2, 3), }", new byte[48]), "f.npy"));
        Assert.Throws<CliInputException>(() => ModelCommand.Npy.Read(NumpyFile("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", new byte[8]), "b.npy"));
        Assert.Throws<CliInputException>(() => ModelCommand.Npy.Read(NumpyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", new byte[8]), "short.npy"));
        Assert.Throws<CliInputException>(() => ModelCommand.Npy.Read([0x93, (byte)'N', (byte)'U'], "tiny.npy"));
    }

    private static byte[] NumpyFile(string dictionary, byte[] data)
    {
        int padding = (64 - ((10 + dictionary.Length + 1) % 64)) % 64;
        string header = dictionary + new string(' ', padding) + "\n";
        return [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, (byte)(header.Length >> 8), .. Encoding.Latin1.GetBytes(header), .. data];
    }

    private static string JsonTensor(string name, float[] values) =>
        $$"""{"name": "{{name}}", "datumType": "F32", "shape": [3, 4, 5], "data": [{{string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)))}}]}""";

    private static string OnnxAddModel()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, ".assets", "libonnx-testdata-1.12.0-2", "data", "node", "test_add", "model.onnx");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("The ONNX test data (.assets/libonnx-testdata-1.12.0-2) is missing: build a project importing eng/assets/TestAssets.targets first.");
    }

    private string[] Server(string verb) =>
    [
        "model", verb, "127.0.0.1",
        "--untrusted-port", _host.UntrustedPort.ToString(CultureInfo.InvariantCulture),
        "--attested-port", _host.AttestedPort.ToString(CultureInfo.InvariantCulture),
        "--management-port", _host.ManagementPort.ToString(CultureInfo.InvariantCulture),
        "--simulation-root", _host.RootPath,
        "--policy", _policyPath,
    ];
}
