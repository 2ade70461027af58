using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BlindAI.Attestation;
using BlindAI.Cli;
using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.RaTls;
using BlindAI.Enclave.Simulation;
using BlindAI.Security.Tests.Support;
using BlindAI.Testing;

namespace BlindAI.Security.Tests;

/// <summary>
/// The <c>blindai</c> tool, run in-process against the real host: nothing is sent to an enclave whose identity is not
/// pinned (issue #12 item 3), <c>--at</c> never judges a live server (item 6), advisories are accepted only by name and
/// malformed evidence is a rejection with its reason and step (item 7). A refused command must not have reached the host
/// at all: not even its untrusted port, since the refusal comes before any connection.
/// </summary>
[Trait("Category", "Security")]
public sealed class CliPinningAttackTests : IAsyncLifetime
{
    private static readonly string Phala = TestPaths.TestData("dcap", "phala-dcap-qvl");

    // The Phala SGX quote (README: ConfigurationAndSWHardeningNeeded with INTEL-SA-00289 and INTEL-SA-00615 at this instant).
    private const string PhalaInstant = "1752919277";
    private const string PhalaMrEnclave = "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb";

    private SimulatedHost _host = null!;
    private string _work = null!;

    public async Task InitializeAsync()
    {
        _host = await SimulatedHost.StartAsync();
        _work = Directory.CreateTempSubdirectory("blindai-cli-security-").FullName;
        await File.WriteAllBytesAsync(ModelFile, TestModels.Subtract());
        await File.WriteAllTextAsync(InputsFile, """
            [{"name": "A", "datumType": "F32", "shape": [2, 3], "data": [5, 5, 5, 5, 5, 5]},
             {"name": "B", "datumType": "F32", "shape": [2, 3], "data": [1, 2, 3, 4, 5, 6]}]
            """);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    private string ModelFile => Path.Combine(_work, "subtract.onnx");

    private string InputsFile => Path.Combine(_work, "inputs.json");

    private static string SimulatedMrEnclave => SimulatedHost.SimulatedMrEnclave.ToString();

    private static string SimulatedMrSigner => Convert.ToHexStringLower(new SimulatedSgxEnclave().MrSigner.Span);

    [Theory]
    [InlineData("upload")]
    [InlineData("run")]
    [InlineData("delete")]
    public async Task Model_command_without_a_pinned_identity_exits_2_before_anything_reaches_the_host(string verb)
    {
        // Before: no --policy meant AllowUnpinnedIdentity(), so the model, the inputs or the delete went to any genuine enclave.
        _host.Requests.Clear();

        CliResult run = await BlindAIAsync([.. Model(verb)]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not pinned", run.Error, StringComparison.Ordinal);
        foreach (string way in new[] { "--mrenclave", "--mrsigner", "--isv-prod-id", "--mrtd", "--policy", "--insecure-any-enclave" })
        {
            Assert.Contains(way, run.Error, StringComparison.Ordinal);
        }

        Assert.Empty(_host.Requests.All);
        Assert.Empty(StoredModelFiles());
    }

    [Theory]
    [InlineData("""{ "allowUnpinnedIdentity": true }""")]
    [InlineData("""{ "sgx": { "mrSigner": "SIGNER" } }""")]
    public async Task Model_upload_with_a_policy_file_that_pins_no_identity_is_refused_like_no_policy(string policyJson)
    {
        // A policy file's own "allowUnpinnedIdentity" does not count, and MRSIGNER without ISVPRODID pins nothing (one
        // signer's key signs many enclaves): only --insecure-any-enclave sends to an unpinned identity.
        string policy = Path.Combine(_work, "unpinned.json");
        await File.WriteAllTextAsync(policy, policyJson.Replace("SIGNER", SimulatedMrSigner, StringComparison.Ordinal));
        _host.Requests.Clear();

        CliResult run = await BlindAIAsync([.. Model("upload"), "--policy", policy]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not pinned", run.Error, StringComparison.Ordinal);
        Assert.Empty(_host.Requests.All);
        Assert.Empty(StoredModelFiles());
    }

    [Fact]
    public async Task Insecure_any_enclave_sends_to_an_unpinned_identity_only_with_a_loud_warning_on_stderr()
    {
        CliResult run = await BlindAIAsync([.. Model("upload"), "--insecure-any-enclave"]);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("WARNING: --insecure-any-enclave", run.Error, StringComparison.Ordinal);
        Assert.Contains("ANY genuine enclave", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING", run.Output, StringComparison.Ordinal);
        Assert.Equal(1, _host.Requests.ModelOrDataRequests);
    }

    [Fact]
    public async Task Mrsigner_without_isv_prod_id_is_refused_and_with_it_pins_the_product()
    {
        _host.Requests.Clear();

        CliResult signerOnly = await BlindAIAsync([.. Model("upload"), "--mrsigner", SimulatedMrSigner]);

        Assert.Equal(2, signerOnly.ExitCode);
        Assert.Contains("--mrsigner needs --isv-prod-id", signerOnly.Error, StringComparison.Ordinal);
        Assert.Empty(_host.Requests.All);

        // The same signer's other product: attested, rejected by the pin, and nothing sent.
        CliResult otherProduct = await BlindAIAsync([.. Model("upload"), "--mrsigner", SimulatedMrSigner, "--isv-prod-id", "7"]);

        Assert.Equal(1, otherProduct.ExitCode);
        Assert.Contains("REJECTED PolicyViolation at Policy", otherProduct.Error, StringComparison.Ordinal);
        Assert.Contains("isvProdId", otherProduct.Error, StringComparison.Ordinal);
        Attack.AssertNothingReached(_host);

        CliResult product = await BlindAIAsync([.. Model("upload"), "--mrsigner", SimulatedMrSigner, "--isv-prod-id", "0"]);

        Assert.True(product.ExitCode == 0, product.Output + product.Error);
        Assert.Equal(1, _host.Requests.ModelOrDataRequests);
    }

    [Fact]
    public async Task Short_form_pins_for_another_enclave_are_rejected_before_any_data()
    {
        string another = Convert.ToHexStringLower(SHA256.HashData("another enclave"u8));
        string anotherTd = Convert.ToHexStringLower(SHA384.HashData("another TD"u8));
        foreach (string[] pin in new[] { new[] { "--mrenclave", another }, ["--mrtd", anotherTd] })
        {
            _host.Requests.Clear();

            CliResult run = await BlindAIAsync([.. Model("upload"), .. pin]);

            Assert.Equal(1, run.ExitCode);
            Assert.Contains("REJECTED PolicyViolation at Policy", run.Error, StringComparison.Ordinal);
            Attack.AssertNothingReached(_host);
        }

        // Any one of several builds matches (comma list).
        CliResult genuine = await BlindAIAsync([.. Model("upload"), "--mrenclave", $"{another},{SimulatedMrEnclave}"]);

        Assert.True(genuine.ExitCode == 0, genuine.Output + genuine.Error);
    }

    [Theory]
    [InlineData("attest")]
    [InlineData("upload")]
    [InlineData("run")]
    [InlineData("delete")]
    public async Task At_is_refused_by_every_command_that_talks_to_a_server(string verb)
    {
        // Before: --at judged the live server's collateral as of any instant the caller named (so expired or revoked
        // collateral could be made to pass); the instant here is now, which the old code accepted.
        string now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        string policy = Path.Combine(_work, "pinned.json");
        await File.WriteAllTextAsync(policy, $$"""{ "sgx": { "mrEnclave": "{{SimulatedMrEnclave}}" } }""");
        string[] command = verb == "attest" ? Attest() : Model(verb);
        _host.Requests.Clear();

        CliResult run = await BlindAIAsync([.. command, "--policy", policy, "--at", now]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--at", run.Error, StringComparison.Ordinal);
        Assert.Empty(_host.Requests.All);
    }

    [Fact]
    public async Task Quote_verify_accepts_a_real_quote_only_when_its_status_and_every_advisory_are_named()
    {
        // Intel's QVL and dcap-qvl both report the matched TCB level's status with its advisory ids and leave accepting
        // them to the relying party; we follow them, and accept an advisory only when it is named. Before, the CLI had no
        // way to name one, so this real quote could never pass.
        string[] verify =
        [
            "quote", "verify", Path.Combine(Phala, "sgx_quote"), "--collateral", Path.Combine(Phala, "sgx_quote_collateral.json"),
            "--at", PhalaInstant, "--mrenclave", PhalaMrEnclave, "--accept-status", "ConfigurationAndSWHardeningNeeded", "--json",
        ];

        CliResult statusOnly = await BlindAIAsync(verify);
        CliResult oneAdvisory = await BlindAIAsync([.. verify, "--accept-advisory", "INTEL-SA-00289"]);
        CliResult both = await BlindAIAsync([.. verify, "--accept-advisory", "INTEL-SA-00289,INTEL-SA-00615"]);
        CliResult repeated = await BlindAIAsync([.. verify, "--accept-advisory", "intel-sa-00615", "--accept-advisory", "INTEL-SA-00289"]);

        Assert.Equal(1, statusOnly.ExitCode);
        Assert.Equal(["INTEL-SA-00289", "INTEL-SA-00615"], AdvisoryViolations(statusOnly));
        Assert.Equal(1, oneAdvisory.ExitCode);
        Assert.Equal(["INTEL-SA-00615"], AdvisoryViolations(oneAdvisory));
        Assert.True(both.ExitCode == 0, both.Output + both.Error);
        using JsonDocument report = JsonDocument.Parse(both.Output);
        Assert.True(report.RootElement.GetProperty("verified").GetBoolean());
        Assert.True(report.RootElement.GetProperty("identityPinned").GetBoolean());
        Assert.Equal("ConfigurationAndSWHardeningNeeded", report.RootElement.GetProperty("tcbStatus").GetString());
        Assert.True(repeated.ExitCode == 0, repeated.Output + repeated.Error);
    }

    [Fact]
    public async Task Quote_verify_deny_advisory_wins_over_every_acceptance()
    {
        // "Accept SWHardeningNeeded, but never INTEL-SA-00615": the deny list is the policy's last word (our own rule; QVL
        // and dcap-qvl leave advisories to the relying party).
        string[] verify =
        [
            "quote", "verify", Path.Combine(Phala, "sgx_quote"), "--collateral", Path.Combine(Phala, "sgx_quote_collateral.json"),
            "--at", PhalaInstant, "--mrenclave", PhalaMrEnclave, "--accept-status", "ConfigurationAndSWHardeningNeeded",
            "--accept-advisory", "INTEL-SA-00289,INTEL-SA-00615", "--json",
        ];

        CliResult denied = await BlindAIAsync([.. verify, "--deny-advisory", "intel-sa-00615"]);
        CliResult deniedOther = await BlindAIAsync([.. verify, "--deny-advisory", "INTEL-SA-00999"]);

        Assert.Equal(1, denied.ExitCode);
        Assert.Equal(["INTEL-SA-00615"], AdvisoryViolations(denied));
        Assert.Contains("denied", denied.Output, StringComparison.OrdinalIgnoreCase);
        Assert.True(deniedOther.ExitCode == 0, deniedOther.Output + deniedOther.Error);
    }

    [Fact]
    public async Task Quote_verify_accept_status_SWHardeningNeeded_passes_such_a_quote_only_with_its_advisories_named()
    {
        // The issue's own example, on a simulated platform whose TCB level is SWHardeningNeeded with two advisories.
        using SimulatedTeePlatform platform = SimulatedTeePlatform.Create();
        (string quote, string collateral, string root) = await WriteSimulatedEvidenceAsync(platform, new SimulatedCollateralOptions
        {
            PlatformTcbStatus = TcbStatus.SWHardeningNeeded,
            PlatformAdvisoryIds = ["INTEL-SA-00615", "INTEL-SA-00657"],
        });
        string[] verify = ["quote", "verify", quote, "--collateral", collateral, "--simulation-root", root, "--accept-status", "SWHardeningNeeded", "--json"];

        CliResult statusOnly = await BlindAIAsync(verify);
        CliResult accepted = await BlindAIAsync([.. verify, "--accept-advisory", "INTEL-SA-00615,INTEL-SA-00657"]);

        Assert.Equal(1, statusOnly.ExitCode);
        Assert.Equal(["INTEL-SA-00615", "INTEL-SA-00657"], AdvisoryViolations(statusOnly));
        Assert.True(accepted.ExitCode == 0, accepted.Output + accepted.Error);
        using JsonDocument report = JsonDocument.Parse(accepted.Output);
        Assert.Equal("SWHardeningNeeded", report.RootElement.GetProperty("tcbStatus").GetString());
    }

    [Theory]
    [InlineData("broken PEM in the PCK chain")]
    [InlineData("unsupported certification data type")]
    [InlineData("truncated")]
    public async Task A_quote_file_whose_content_is_malformed_is_a_rejection_with_reason_and_step(string corruption)
    {
        // The file was read (and decoded); its content is evidence that fails at the first step: exit 1, not 2 (which is
        // for usage errors and unreadable files). Intel's QVL likewise answers an unparsable quote with a verification error.
        byte[] quote = await File.ReadAllBytesAsync(Path.Combine(Phala, "sgx_quote"));
        int pem = IndexOf(quote, "-----BEGIN CERTIFICATE-----"u8);
        switch (corruption)
        {
            case "broken PEM in the PCK chain":
                quote[pem + 40] = (byte)'*';
                break;
            case "unsupported certification data type":
                // The type field (2 bytes) and size (4 bytes) precede the PEM chain; 3 = a PCK certificate the verifier would need to fetch.
                quote[pem - 6] = 3;
                break;
            default:
                quote = quote[..(pem + 100)];
                break;
        }

        string file = Path.Combine(_work, "malformed.quote");
        await File.WriteAllBytesAsync(file, quote);
        string[] collateral = ["--collateral", Path.Combine(Phala, "sgx_quote_collateral.json"), "--at", PhalaInstant];

        CliResult json = await BlindAIAsync(["quote", "verify", file, .. collateral, "--json"]);
        CliResult text = await BlindAIAsync(["quote", "verify", file, .. collateral]);
        CliResult bench = await BlindAIAsync(["bench", "verify", file, .. collateral, "--iterations", "1", "--json"]);

        AssertMalformedReport(json);
        AssertMalformedReport(bench);
        Assert.Equal(1, text.ExitCode);
        Assert.StartsWith("REJECTED", text.Output, StringComparison.Ordinal);
        Assert.Contains("Failure: MalformedInput at Parse", text.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_RA_TLS_certificate_whose_quote_is_malformed_is_a_rejection_with_reason_and_step()
    {
        // A readable certificate whose bound evidence holds a quote with a broken PCK chain. Before: one line on stderr
        // ("no evidence ... holds a readable quote") without reason or step.
        using SimulatedTeePlatform platform = SimulatedTeePlatform.Create();
        using var quotes = new SimulatedQuoteProvider(platform);
        using RaTlsCertificate built = await new RaTlsCertificateBuilder(new BrokenPemQuotes(quotes)).BuildAsync(new RaTlsCertificateOptions(), CancellationToken.None);
        string certificate = Path.Combine(_work, "malformed-evidence.pem");
        await File.WriteAllTextAsync(certificate, built.Certificate.ExportCertificatePem());
        (_, string collateral, string root) = await WriteSimulatedEvidenceAsync(platform, new SimulatedCollateralOptions());

        CliResult run = await BlindAIAsync(["ratls", "verify", certificate, "--collateral", collateral, "--simulation-root", root, "--json"]);

        AssertMalformedReport(run);
    }

    [Fact]
    public async Task Offline_verification_of_simulated_evidence_trusts_the_simulation_root_only_when_named()
    {
        using SimulatedTeePlatform platform = SimulatedTeePlatform.Create();
        (string quote, string collateral, string root) = await WriteSimulatedEvidenceAsync(platform, new SimulatedCollateralOptions());

        CliResult intelRoot = await BlindAIAsync(["quote", "verify", quote, "--collateral", collateral, "--json"]);
        CliResult named = await BlindAIAsync(["quote", "verify", quote, "--collateral", collateral, "--simulation-root", root, "--mrenclave", SimulatedMrEnclave, "--json"]);

        Assert.Equal(1, intelRoot.ExitCode);
        using (JsonDocument rejected = JsonDocument.Parse(intelRoot.Output))
        {
            Assert.Equal("UntrustedRoot", rejected.RootElement.GetProperty("failure").GetProperty("reason").GetString());
        }

        Assert.True(named.ExitCode == 0, named.Output + named.Error);
        using JsonDocument verified = JsonDocument.Parse(named.Output);
        Assert.True(verified.RootElement.GetProperty("verified").GetBoolean());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(platform.RootCertificate.RawData)), verified.RootElement.GetProperty("trustAnchorSha256").GetString());
    }

    private static void AssertMalformedReport(CliResult run)
    {
        Assert.True(run.ExitCode == 1, run.Output + run.Error);
        using JsonDocument report = JsonDocument.Parse(run.Output);
        Assert.False(report.RootElement.GetProperty("verified").GetBoolean());
        JsonElement failure = report.RootElement.GetProperty("failure");
        Assert.Equal("MalformedInput", failure.GetProperty("reason").GetString());
        Assert.Equal("Parse", failure.GetProperty("step").GetString());
    }

    private static string[] AdvisoryViolations(CliResult run)
    {
        using JsonDocument report = JsonDocument.Parse(run.Output);
        return
        [
            .. report.RootElement.GetProperty("policyViolations").EnumerateArray()
                .Where(v => v.GetProperty("field").GetString() == "advisoryIds")
                .Select(v => v.GetProperty("actual").GetString()!)
                .Order(StringComparer.Ordinal),
        ];
    }

    private async Task<(string Quote, string Collateral, string Root)> WriteSimulatedEvidenceAsync(SimulatedTeePlatform platform, SimulatedCollateralOptions options)
    {
        string name = Guid.NewGuid().ToString("N");
        string quote = Path.Combine(_work, name + ".quote");
        string collateral = Path.Combine(_work, name + "-collateral.json");
        string root = Path.Combine(_work, name + "-root.pem");
        await File.WriteAllBytesAsync(quote, platform.CreateQuote(new byte[IQuoteProvider.ReportDataLength]));
        await File.WriteAllTextAsync(collateral, platform.CreateCollateral(options).ToDcapQvlJson());
        await File.WriteAllTextAsync(root, platform.RootCertificate.ExportCertificatePem());
        return (quote, collateral, root);
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle)
    {
        int index = haystack.AsSpan().IndexOf(needle);
        Assert.True(index > 0, "The quote holds no PEM chain.");
        return index;
    }

    private string[] Ports() =>
    [
        "127.0.0.1",
        "--untrusted-port", _host.UntrustedPort.ToString(CultureInfo.InvariantCulture),
        "--attested-port", _host.AttestedPort.ToString(CultureInfo.InvariantCulture),
        "--management-port", _host.ManagementPort.ToString(CultureInfo.InvariantCulture),
        "--simulation-root", _host.RootPath,
    ];

    private string[] Attest() => ["attest", .. Ports()];

    /// <summary>A complete model command without any identity pin: only the pin decides whether it may run.</summary>
    private string[] Model(string verb) => verb switch
    {
        "upload" => ["model", "upload", .. Ports(), "--file", ModelFile],
        "run" => ["model", "run", .. Ports(), "--id", Guid.NewGuid().ToString(), "--inputs-json", InputsFile],
        "delete" => ["model", "delete", .. Ports(), "--id", Guid.NewGuid().ToString()],
        _ => throw new ArgumentOutOfRangeException(nameof(verb), verb, null),
    };

    private string[] StoredModelFiles()
    {
        string models = Path.Combine(_host.DataDirectory, "models");
        return Directory.Exists(models) ? Directory.GetFiles(models) : [];
    }

    private static async Task<CliResult> BlindAIAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = await BlindAICli.RunAsync(args, output, error, CancellationToken.None);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    private sealed record CliResult(int ExitCode, string Output, string Error);

    /// <summary>A genuine simulated quote whose embedded PCK chain has one base64 character broken (still bound to the key).</summary>
    private sealed class BrokenPemQuotes(IQuoteProvider inner) : IQuoteProvider
    {
        public QuoteProviderKind Kind => inner.Kind;

        public async Task<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken)
        {
            byte[] quote = await inner.GetQuoteAsync(reportData, cancellationToken);
            quote[IndexOf(quote, Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----")) + 40] = (byte)'*';
            return quote;
        }
    }
}
