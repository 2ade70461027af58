using System.Text.Json;
using BlindAI.Testing;

namespace BlindAI.Cli.Tests.Commands;

public sealed class RaTlsCommandTests : IDisposable
{
    private static readonly string Ccc = TestPaths.TestData("ratls", "ccc-interoperable-ra-tls");
    private static readonly string Automata = TestPaths.TestData("dcap", "automata-dcap-rs");
    private readonly string _scratch = Directory.CreateTempSubdirectory("blindai-ratls-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task Show_lists_both_evidence_forms_of_the_gramine_certificate()
    {
        CliRun run = await CliRun.InvokeAsync("ratls", "show", Path.Combine(Ccc, "gramine-cert.pem"), "--json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("5a5a5b2d177433048e9d62409d1acc4ec526c06e294d09e69a36cff9369e4851", json.RootElement.GetProperty("publicKeySha256").GetString());
        JsonElement[] evidence = [.. json.RootElement.GetProperty("evidence").EnumerateArray()];
        Assert.Equal(["dice", "gramine-legacy"], evidence.Select(e => e.GetProperty("format").GetString()).Order(StringComparer.Ordinal));
        Assert.All(evidence, e =>
        {
            Assert.True(e.GetProperty("bindingVerified").GetBoolean());
            Assert.Equal("0866e7ca11b9f4efe4bf39b2607f4e1299f111920d96d95719080f01b62b7585", e.GetProperty("mrEnclave").GetString());
            Assert.Equal("adc53501f21ced9b998e37a7a18e061c63e00315045fa57a49c18ef0a30d02ca", e.GetProperty("mrSigner").GetString());
            Assert.True(e.GetProperty("debug").GetBoolean());
            Assert.Equal("00606a000000", e.GetProperty("fmspc").GetString());
        });
    }

    [Fact]
    public async Task Show_marks_the_intel_sdk_raw_quote_as_unbound()
    {
        CliRun run = await CliRun.InvokeAsync("ratls", "show", Path.Combine(Ccc, "intel-sgxsdk-cert.pem"), "--json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        JsonElement[] evidence = [.. json.RootElement.GetProperty("evidence").EnumerateArray()];
        Assert.False(evidence.Single(e => e.GetProperty("format").GetString() == "intel-sdk").GetProperty("bindingVerified").GetBoolean());
        Assert.True(evidence.Single(e => e.GetProperty("format").GetString() == "dice").GetProperty("bindingVerified").GetBoolean());
        Assert.All(evidence, e => Assert.Equal("00706a100000", e.GetProperty("fmspc").GetString()));
    }

    [Fact]
    public async Task Show_reads_the_legacy_intel_der_sample_and_reports_its_unreadable_quote()
    {
        CliRun run = await CliRun.InvokeAsync("ratls", "show", TestPaths.TestData("ratls", "intel-sgx-ra-tls", "ecdsa-ratls.der"), "--json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        JsonElement legacy = json.RootElement.GetProperty("evidence").EnumerateArray().Single();
        Assert.Equal("legacy", legacy.GetProperty("format").GetString());
        Assert.False(legacy.GetProperty("bindingVerified").GetBoolean());
        Assert.Contains("type 3", legacy.GetProperty("quoteError").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_rejects_the_debug_gramine_enclave_by_default_and_accepts_it_when_debug_is_allowed()
    {
        string[] common = [.. CollateralArguments(), "--at", "1739419232", "--json"];

        CliRun strict = await CliRun.InvokeAsync(["ratls", "verify", Path.Combine(Ccc, "gramine-cert.pem"), .. common]);

        Assert.Equal(1, strict.ExitCode);
        using (var json = JsonDocument.Parse(strict.Output))
        {
            Assert.True(json.RootElement.GetProperty("bindingVerified").GetBoolean());
            Assert.False(json.RootElement.GetProperty("verified").GetBoolean());
            Assert.Equal("OutOfDate", json.RootElement.GetProperty("tcbStatus").GetString());
            Assert.Contains(json.RootElement.GetProperty("policyViolations").EnumerateArray(), v => v.GetProperty("field").GetString() == "debug");
        }

        string policy = Path.Combine(_scratch, "debug.json");
        await File.WriteAllTextAsync(policy, """{ "allowDebug": true, "acceptedTcbStatuses": ["OutOfDate"], "sgx": { "mrEnclave": "0866e7ca11b9f4efe4bf39b2607f4e1299f111920d96d95719080f01b62b7585" } }""");
        CliRun relaxed = await CliRun.InvokeAsync(["ratls", "verify", Path.Combine(Ccc, "gramine-cert.pem"), .. common, "--policy", policy]);

        Assert.True(relaxed.ExitCode == 0, relaxed.Output + relaxed.Error);
        using var accepted = JsonDocument.Parse(relaxed.Output);
        Assert.True(accepted.RootElement.GetProperty("verified").GetBoolean());
    }

    [Fact]
    public async Task Verify_of_a_certificate_whose_evidence_is_not_bound_is_rejected()
    {
        CliRun run = await CliRun.InvokeAsync(["ratls", "verify", TestPaths.TestData("ratls", "intel-sgx-ra-tls", "ecdsa-ratls.der"), .. CollateralArguments(), "--at", "1739419232", "--json"]);

        // The only evidence is unbound and its quote unreadable: a rejection report with reason and step (it was one line on
        // standard error without either), not a crash.
        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Error);
        using var json = JsonDocument.Parse(run.Output);
        Assert.False(json.RootElement.GetProperty("verified").GetBoolean());
        Assert.False(json.RootElement.GetProperty("bindingVerified").GetBoolean());
        Assert.Equal("CertificateBindingMismatch", json.RootElement.GetProperty("failure").GetProperty("reason").GetString());
        Assert.Equal("CertificateBinding", json.RootElement.GetProperty("failure").GetProperty("step").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("teeType").ValueKind);
    }

    [Fact]
    public async Task Garbage_instead_of_a_certificate_is_an_input_error()
    {
        string garbage = Path.Combine(_scratch, "garbage.pem");
        await File.WriteAllTextAsync(garbage, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");

        CliRun run = await CliRun.InvokeAsync("ratls", "show", garbage);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("blindai: ", run.Error, StringComparison.Ordinal);
    }

    private string[] CollateralArguments()
    {
        string chain = File.ReadAllText(Path.Combine(Automata, "pck_certchain.pem"));
        string pckCrlChain = Path.Combine(_scratch, "pck-crl-chain.pem");
        File.WriteAllText(pckCrlChain, chain[chain.IndexOf("-----BEGIN CERTIFICATE-----", 1, StringComparison.Ordinal)..]);
        return
        [
            "--tcb-info", Path.Combine(Automata, "tcbinfov2.json"), "--tcb-info-chain", Path.Combine(Automata, "tcb_signing_cert.pem"),
            "--qe-identity", Path.Combine(Automata, "qeidentityv2.json"), "--qe-identity-chain", Path.Combine(Automata, "tcb_signing_cert.pem"),
            "--pck-crl", Path.Combine(Automata, "pck_platform_crl.der"), "--pck-crl-chain", pckCrlChain,
            "--root-ca-crl", Path.Combine(Automata, "intel_root_ca_crl.der"),
        ];
    }
}
