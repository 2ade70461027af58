using System.Text.Json;
using BlindAI.Attestation;
using BlindAI.Attestation.Policy;
using BlindAI.Testing;
using Tomlyn;
using Tomlyn.Model;

namespace BlindAI.Cli.Tests.Commands;

/// <summary>
/// <c>blindai policy sgx|tdx</c>: the policy a deployer ships. Every file it writes is loaded back the way clients load it
/// (<see cref="AttestationPolicy.LoadAsync"/>, <c>blindai quote verify --policy</c>) and judged against Intel's real quotes;
/// refusals are checked by their message and by the files they leave untouched.
/// </summary>
public sealed class PolicyCommandTests : IDisposable
{
    private static readonly string Phala = TestPaths.TestData("dcap", "phala-dcap-qvl");

    // The project's own real Intel SGX quote: ConfigurationAndSWHardeningNeeded with INTEL-SA-00289 and INTEL-SA-00615
    // (testdata/dcap/README.md), attributes flags 0x5 and XFRM 0xe7.
    private const string SgxMrEnclave = "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb";
    private const string SgxMrSigner = "815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6";
    private const string TdxMrTd = "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7";
    private const string TdxRtmr1 = "0084452c01668329d4bc06acdf58a7205c26743304509973949e5619bf81a6a7aea8c323c173019b3093d54e579e9378";

    // Captured gramine-sgx-sigstruct-view output (tests/BlindAI.SampleHost.Tests/Packaging/Samples/README.md).
    private const string SampleSigner = "112f3539c52e411214d719fd3512b660be8e9c2c13b07ac62dc7d9cb6b9bbf37";
    private const string SampleEnclave = "919aa89525fb1550911c388e8e964d65a96064da219141f78007754cef739bf3";
    private const string SampleDebugEnclave = "df53ccd24af2d92a6c8b951c6019c1a0b3b96059b0c6bd9a9be66446d55db328";

    // Every key the original client's EnclaveManifest.from_dict reads (client/blindai/_dcap_attestation.py, BlindAI 0.6):
    // a missing one is a KeyError there, so the manifest must always carry all eight.
    private static readonly string[] OriginalManifestKeys =
    [
        "mr_enclave", "allow_debug", "attributes_flags_hex", "attributes_mask_flags_hex",
        "attributes_xfrm_hex", "attributes_mask_xfrm_hex", "misc_select_hex", "misc_mask_hex",
    ];

    private readonly string _scratch = Directory.CreateTempSubdirectory("blindai-policy-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private string PolicyFile => Path.Combine(_scratch, "policy.json");

    private string ManifestFile => Path.Combine(_scratch, "manifest.toml");

    [Theory]
    [InlineData("sigstruct-view-release.json")]
    [InlineData("sigstruct-view-release-verbose.json")]
    public async Task A_sigstruct_view_becomes_a_strict_policy_pinning_the_measured_identity(string sample)
    {
        CliRun run = await CliRun.InvokeAsync("policy", "sgx", "--sigstruct", Sample(sample), "--out", PolicyFile);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        AttestationPolicy loaded = await AttestationPolicy.LoadAsync(PolicyFile, CancellationToken.None);
        Assert.True(loaded.PinsIdentity);
        Assert.Equal(SampleEnclave, Assert.Single(loaded.MrEnclaves).ToString());
        Assert.Equal(SampleSigner, loaded.MrSigner?.ToString());
        Assert.Equal((ushort)1, loaded.IsvProdId);
        Assert.Equal((ushort)3, loaded.MinimumIsvSvn);
        Assert.False(loaded.DebugAllowed);
        Assert.False(loaded.UnpinnedIdentityAllowed);
        Assert.Equal([TcbStatus.UpToDate], loaded.AcceptedTcbStatuses);
        Assert.Empty(loaded.AcceptedAdvisoryIds);
        Assert.Contains(SampleEnclave, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_real_quotes_policy_accepts_its_status_and_advisories_only_when_each_is_chosen_by_name()
    {
        // Real SGX hardware is rarely UpToDate: the project's own quote is ConfigurationAndSWHardeningNeeded with two
        // advisories. A deployer must be able to write a policy that accepts exactly that, and nothing less strict.
        CliRun written = await CliRun.InvokeAsync(
            "policy", "sgx", "--mrenclave", SgxMrEnclave,
            "--accept-status", "ConfigurationAndSWHardeningNeeded", "--accept-advisory", "INTEL-SA-00289,INTEL-SA-00615", "--out", PolicyFile);
        Assert.True(written.ExitCode == 0, written.Output + written.Error);

        CliRun accepted = await VerifySgxAsync(PolicyFile);
        Assert.True(accepted.ExitCode == 0, accepted.Output + accepted.Error);
        using (JsonDocument report = JsonDocument.Parse(accepted.Output))
        {
            Assert.True(report.RootElement.GetProperty("identityPinned").GetBoolean());
        }

        string strict = Path.Combine(_scratch, "strict.json");
        Assert.Equal(0, (await CliRun.InvokeAsync("policy", "sgx", "--mrenclave", SgxMrEnclave, "--out", strict)).ExitCode);
        Assert.Contains("tcbStatus", await ViolatedFieldsAsync(strict));

        string oneAdvisory = Path.Combine(_scratch, "one-advisory.json");
        Assert.Equal(0, (await CliRun.InvokeAsync(
            "policy", "sgx", "--mrenclave", SgxMrEnclave, "--accept-status", "ConfigurationAndSWHardeningNeeded", "--accept-advisory", "INTEL-SA-00289", "--out", oneAdvisory)).ExitCode);
        Assert.Contains("advisoryIds", await ViolatedFieldsAsync(oneAdvisory));
    }

    [Fact]
    [Trait("Category", "Security")]
    public async Task A_denied_advisory_in_the_written_policy_wins_over_its_acceptance()
    {
        CliRun written = await CliRun.InvokeAsync(
            "policy", "sgx", "--mrenclave", SgxMrEnclave, "--accept-status", "ConfigurationAndSWHardeningNeeded",
            "--accept-advisory", "INTEL-SA-00289,INTEL-SA-00615", "--deny-advisory", "INTEL-SA-00615", "--out", PolicyFile);

        Assert.True(written.ExitCode == 0, written.Output + written.Error);
        Assert.Contains("INTEL-SA-00615", (await AttestationPolicy.LoadAsync(PolicyFile, CancellationToken.None)).DeniedAdvisoryIds);
        Assert.Contains("advisoryIds", await ViolatedFieldsAsync(PolicyFile));
    }

    [Theory]
    [Trait("Category", "Security")]
    [InlineData("sgx", "--mrenclave", SgxMrEnclave)]
    [InlineData("tdx", "--mrtd", TdxMrTd)]
    public async Task Revoked_is_never_written_into_a_policy(string tee, string pin, string value)
    {
        await File.WriteAllTextAsync(PolicyFile, "previous policy");

        CliRun run = await CliRun.InvokeAsync("policy", tee, pin, value, "--accept-status", "SWHardeningNeeded,Revoked", "--out", PolicyFile);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("a revoked TCB is never accepted", run.Error, StringComparison.Ordinal);
        Assert.Equal("previous policy", await File.ReadAllTextAsync(PolicyFile));
    }

    [Fact]
    [Trait("Category", "Security")]
    public async Task A_debug_sigstruct_is_refused_unless_allowed_and_then_both_files_say_so()
    {
        CliRun refused = await CliRun.InvokeAsync(
            "policy", "sgx", "--sigstruct", Sample("sigstruct-view-debug-verbose.json"), "--out", PolicyFile, "--manifest-out", ManifestFile);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("DEBUG attribute", refused.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_scratch));

        CliRun allowed = await CliRun.InvokeAsync(
            "policy", "sgx", "--sigstruct", Sample("sigstruct-view-debug-verbose.json"), "--allow-debug", "--out", PolicyFile, "--manifest-out", ManifestFile);

        Assert.True(allowed.ExitCode == 0, allowed.Output + allowed.Error);
        Assert.Contains("WARNING", allowed.Error, StringComparison.Ordinal);
        using (JsonDocument policy = JsonDocument.Parse(await File.ReadAllTextAsync(PolicyFile)))
        {
            Assert.True(policy.RootElement.GetProperty("allowDebug").GetBoolean());
        }

        Assert.True((await AttestationPolicy.LoadAsync(PolicyFile, CancellationToken.None)).DebugAllowed);
        AttestationPolicy manifest = await AttestationPolicy.LoadAsync(ManifestFile, CancellationToken.None);
        Assert.True(manifest.DebugAllowed);
        Assert.Equal(SampleDebugEnclave, Assert.Single(manifest.MrEnclaves).ToString());
        Assert.True((bool)ReadToml(ManifestFile)["allow_debug"]);
    }

    [Fact]
    public async Task Allow_debug_adds_nothing_to_the_policy_of_a_production_sigstruct()
    {
        CliRun run = await CliRun.InvokeAsync("policy", "sgx", "--sigstruct", Sample("sigstruct-view-release.json"), "--allow-debug", "--out", PolicyFile);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("--allow-debug has no effect", run.Error, StringComparison.Ordinal);
        using JsonDocument policy = JsonDocument.Parse(await File.ReadAllTextAsync(PolicyFile));
        Assert.False(policy.RootElement.TryGetProperty("allowDebug", out _));
    }

    [Fact]
    public async Task The_manifest_has_every_key_the_original_client_reads_and_our_loader_pins_the_same_enclave()
    {
        CliRun run = await CliRun.InvokeAsync("policy", "sgx", "--mrenclave", SgxMrEnclave, "--out", PolicyFile, "--manifest-out", ManifestFile);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("cannot carry MRSIGNER, ISVSVN, TCB statuses or advisories", run.Error, StringComparison.Ordinal);

        // The original client's own rules: bytes.fromhex(mr_enclave) of 32 bytes, allow_debug a bool, each *_hex an
        // int(x, 16) within 64 bits (misc_* within 32 bits).
        TomlTable toml = ReadToml(ManifestFile);
        Assert.Equal(OriginalManifestKeys.Order(), toml.Keys.Order());
        Assert.Equal(SgxMrEnclave, Assert.IsType<string>(toml["mr_enclave"]));
        Assert.False(Assert.IsType<bool>(toml["allow_debug"]));
        foreach (string key in OriginalManifestKeys.Where(k => k.EndsWith("_hex", StringComparison.Ordinal)))
        {
            string hex = Assert.IsType<string>(toml[key]);
            ulong value = Convert.ToUInt64(hex, 16);
            Assert.True(!key.StartsWith("misc", StringComparison.Ordinal) || value <= uint.MaxValue, $"{key} = {hex}");
        }

        // Only MRENCLAVE is known: BlindAI's manifest.prod.template.toml values.
        Assert.Equal("0x4", toml["attributes_flags_hex"]);
        Assert.Equal("0xfffffffffffffffd", toml["attributes_mask_flags_hex"]);
        Assert.Equal("0x3", toml["attributes_xfrm_hex"]);
        Assert.Equal("0xffffffffffffff1b", toml["attributes_mask_xfrm_hex"]);

        // Our loader reads it as the same pin, and the real quote (flags 0x5, XFRM 0xe7) passes its attribute checks once
        // the status and advisories, which the manifest cannot carry, are chosen on the command line.
        AttestationPolicy loaded = await AttestationPolicy.LoadAsync(ManifestFile, CancellationToken.None);
        Assert.Equal(SgxMrEnclave, Assert.Single(loaded.MrEnclaves).ToString());
        Assert.False(loaded.DebugAllowed);
        CliRun verified = await VerifySgxAsync(ManifestFile, "--accept-status", "ConfigurationAndSWHardeningNeeded", "--accept-advisory", "INTEL-SA-00289,INTEL-SA-00615");
        Assert.True(verified.ExitCode == 0, verified.Output + verified.Error);
    }

    [Fact]
    public async Task The_manifest_takes_the_attribute_masks_of_a_verbose_sigstruct_view()
    {
        CliRun run = await CliRun.InvokeAsync(
            "policy", "sgx", "--sigstruct", Sample("sigstruct-view-release-verbose.json"), "--out", PolicyFile, "--manifest-out", ManifestFile);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        TomlTable toml = ReadToml(ManifestFile);
        Assert.Equal(SampleEnclave, toml["mr_enclave"]);

        // The SIGSTRUCT's own masks (what EINIT enforced), DEBUG taken out: Gramine leaves AMX (XFRM bits 17, 18) free too.
        Assert.Equal("0x4", toml["attributes_flags_hex"]);
        Assert.Equal("0xfffffffffffffffd", toml["attributes_mask_flags_hex"]);
        Assert.Equal("0xfffffffffff9ff1b", toml["attributes_mask_xfrm_hex"]);
        AttestationPolicy loaded = await AttestationPolicy.LoadAsync(ManifestFile, CancellationToken.None);
        Assert.Equal(new MaskedValue(0x3, 0xfffffffffff9ff1b), loaded.SgxXfrm);
        Assert.Equal(new MaskedValue(0x5, 0xfffffffffffffffd), loaded.SgxAttributeFlags);
    }

    [Theory]
    [InlineData("no MRENCLAVE", "--mrsigner", SgxMrSigner, "--isv-prod-id", "0")]
    [InlineData("several", "--mrenclave", SgxMrEnclave, "--mrenclave", SampleEnclave)]
    public async Task The_manifest_needs_exactly_one_MRENCLAVE_and_nothing_is_written_without_it(string message, params string[] pins)
    {
        CliRun run = await CliRun.InvokeAsync(["policy", "sgx", .. pins, "--out", PolicyFile, "--manifest-out", ManifestFile]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("exactly one MRENCLAVE", run.Error, StringComparison.Ordinal);
        Assert.Contains(message == "several" ? "accepts several" : "pins none", run.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_scratch));
    }

    [Fact]
    public async Task The_TDX_form_pins_MRTD_and_RTMRs_and_judges_the_real_TD_quote()
    {
        CliRun written = await CliRun.InvokeAsync("policy", "tdx", "--mrtd", TdxMrTd, "--rtmr", $"1={TdxRtmr1}", "--out", PolicyFile);

        Assert.True(written.ExitCode == 0, written.Output + written.Error);
        AttestationPolicy loaded = await AttestationPolicy.LoadAsync(PolicyFile, CancellationToken.None);
        Assert.Equal(TdxMrTd, loaded.MrTd?.ToString());
        Assert.Equal(TdxRtmr1, loaded.Rtmrs[1]?.ToString());
        Assert.Null(loaded.Rtmrs[0]);
        Assert.True((await VerifyTdxAsync(PolicyFile)).ExitCode == 0);

        string otherRtmr = Path.Combine(_scratch, "other-rtmr.json");
        Assert.Equal(0, (await CliRun.InvokeAsync("policy", "tdx", "--mrtd", TdxMrTd, "--rtmr", $"1={new string('c', 96)}", "--out", otherRtmr)).ExitCode);
        CliRun rejected = await VerifyTdxAsync(otherRtmr);
        Assert.Equal(1, rejected.ExitCode);
        using JsonDocument report = JsonDocument.Parse(rejected.Output);
        Assert.Contains(report.RootElement.GetProperty("policyViolations").EnumerateArray(), v => v.GetProperty("field").GetString() == "rtmr1");
    }

    public static TheoryData<string[], string> UsageErrors => new()
    {
        { ["sgx", "--sigstruct", Sample("sigstruct-view-release.json"), "--mrenclave", SgxMrEnclave], "either --sigstruct or the measurements" },
        { ["sgx", "--mrsigner", SgxMrSigner], "--mrsigner and --isv-prod-id go together" },
        { ["sgx", "--isv-prod-id", "1"], "--mrsigner and --isv-prod-id go together" },
        { ["sgx", "--min-isv-svn", "2"], "the policy must pin the enclave" },
        { ["sgx", "--accept-status", "SWHardeningNeeded"], "the policy must pin the enclave" },
        { ["sgx", "--mrenclave", SgxMrEnclave[..62]], "64 hex digits" },
        { ["sgx", "--mrenclave", SgxMrEnclave, "--min-isv-svn", "65536"], "0 to 65535" },
        { ["sgx", "--mrenclave", SgxMrEnclave, "--accept-advisory", "INTEL SA 00615"], "not an advisory id" },
        { ["sgx", "--mrenclave", SgxMrEnclave, "--accept-status", "Fine"], "unknown TCB status" },
        { ["tdx", "--mrtd", SgxMrEnclave], "96 hex digits" },
        { ["tdx", "--mrtd", TdxMrTd, "--rtmr", TdxRtmr1], "INDEX=HEX" },
        { ["tdx", "--mrtd", TdxMrTd, "--rtmr", $"4={TdxRtmr1}"], "INDEX=HEX" },
        { ["tdx", "--mrtd", TdxMrTd, "--rtmr", $"2={TdxRtmr1}", "--rtmr", $"2={TdxRtmr1}"], "given twice" },
        { ["tdx", "--mrtd", TdxMrTd, "--rtmr", $"0={SgxMrEnclave}"], "96 hex digits" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public async Task A_malformed_or_incomplete_choice_is_a_usage_error_and_writes_nothing(string[] args, string message)
    {
        CliRun run = await CliRun.InvokeAsync(["policy", .. args, "--out", PolicyFile]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
        Assert.Empty(Directory.GetFileSystemEntries(_scratch));
    }

    [Fact]
    public async Task File_names_must_say_which_format_they_hold()
    {
        // AttestationPolicy.LoadAsync picks the format by extension: a JSON policy named .toml would be read as a manifest.
        CliRun jsonAsToml = await CliRun.InvokeAsync("policy", "sgx", "--mrenclave", SgxMrEnclave, "--out", Path.Combine(_scratch, "policy.toml"));
        CliRun tomlAsJson = await CliRun.InvokeAsync("policy", "sgx", "--mrenclave", SgxMrEnclave, "--out", PolicyFile, "--manifest-out", Path.Combine(_scratch, "manifest.json"));

        Assert.Equal(2, jsonAsToml.ExitCode);
        Assert.Contains("must not end in .toml", jsonAsToml.Error, StringComparison.Ordinal);
        Assert.Equal(2, tomlAsJson.ExitCode);
        Assert.Contains("must end in .toml", tomlAsJson.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_scratch));
    }

    public static TheoryData<string, string> MalformedSigstructs => new()
    {
        { "", "not JSON" },
        { "[]", "JSON object" },
        { Sigstruct(mrEnclave: null), "'mr_enclave'" },
        { Sigstruct(mrEnclave: SampleEnclave[..62]), "'mr_enclave'" },
        { Sigstruct(mrEnclave: "zz" + SampleEnclave[2..]), "'mr_enclave'" },
        { Sigstruct(mrEnclave: "0x" + SampleEnclave[..62]), "'mr_enclave'" },
        { Sigstruct(mrSigner: new string('0', 64)), "all zeros" },
        { Sigstruct(isvProdId: "70000"), "'isv_prod_id'" },
        { Sigstruct(isvProdId: "-1"), "'isv_prod_id'" },
        { Sigstruct(isvSvn: "true"), "'isv_svn'" },
        { Sigstruct(isvSvn: "\"3\""), "'isv_svn'" },
        { Sigstruct(isvSvn: "3.5"), "'isv_svn'" },
        { Sigstruct(debug: "null"), "'debug_enclave'" },
        { Sigstruct(debug: "false", attributes: ("0x6", "0xffffffffffffffff")), "disagree" },
        { Sigstruct(attributes: ("banana", "0xffffffffffffffff")), "'attribute_flags'" },
        { Sigstruct(attributes: ("0x4", "0xffffffffffffffff")).Replace("\"misc_mask\": \"0xffffffff\", ", "", StringComparison.Ordinal), "misc_mask missing" },
        { Sigstruct().Replace("}", $", \"mr_enclave\": \"{SampleEnclave}\"}}", StringComparison.Ordinal), "more than once" },
    };

    [Theory]
    [MemberData(nameof(MalformedSigstructs))]
    public async Task A_malformed_sigstruct_view_is_refused_with_its_reason(string input, string message)
    {
        string sigstruct = Path.Combine(_scratch, "sigstruct.json");
        await File.WriteAllTextAsync(sigstruct, input);

        CliRun run = await CliRun.InvokeAsync("policy", "sgx", "--sigstruct", sigstruct, "--out", PolicyFile);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("blindai: sigstruct: ", run.Error, StringComparison.Ordinal);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(PolicyFile));
    }

    [Fact]
    public async Task The_unstable_plain_text_view_is_refused_with_a_hint()
    {
        CliRun run = await CliRun.InvokeAsync("policy", "sgx", "--sigstruct", Sample("sigstruct-view-release.txt"), "--out", PolicyFile);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--output-format=json", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hex_is_written_in_lower_case()
    {
        string sigstruct = Path.Combine(_scratch, "sigstruct.json");
        await File.WriteAllTextAsync(sigstruct, Sigstruct(mrEnclave: SampleEnclave.ToUpperInvariant()));

        CliRun run = await CliRun.InvokeAsync("policy", "sgx", "--sigstruct", sigstruct, "--out", PolicyFile);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains(SampleEnclave, await File.ReadAllTextAsync(PolicyFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_are_replaced_only_when_everything_succeeded()
    {
        await File.WriteAllTextAsync(PolicyFile, "previous policy");
        await File.WriteAllTextAsync(ManifestFile, "previous manifest");

        CliRun failed = await CliRun.InvokeAsync(
            "policy", "sgx", "--sigstruct", Sample("sigstruct-view-debug-verbose.json"), "--out", PolicyFile, "--manifest-out", ManifestFile);
        Assert.Equal(2, failed.ExitCode);
        Assert.Contains("DEBUG attribute", failed.Error, StringComparison.Ordinal);
        Assert.Equal("previous policy", await File.ReadAllTextAsync(PolicyFile));
        Assert.Equal("previous manifest", await File.ReadAllTextAsync(ManifestFile));

        CliRun written = await CliRun.InvokeAsync(
            "policy", "sgx", "--sigstruct", Sample("sigstruct-view-release.json"), "--out", PolicyFile, "--manifest-out", ManifestFile);
        Assert.True(written.ExitCode == 0, written.Output + written.Error);
        Assert.Equal(SampleSigner, (await AttestationPolicy.LoadAsync(PolicyFile, CancellationToken.None)).MrSigner?.ToString());
        Assert.Equal(SampleEnclave, ReadToml(ManifestFile)["mr_enclave"]);
        Assert.Equal(["manifest.toml", "policy.json"], Directory.GetFiles(_scratch).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private static Task<CliRun> VerifySgxAsync(string policy, params string[] more) => CliRun.InvokeAsync(
        ["quote", "verify", Path.Combine(Phala, "sgx_quote"), "--collateral", Path.Combine(Phala, "sgx_quote_collateral.json"), "--at", "1752919277", "--policy", policy, "--json", .. more]);

    private static Task<CliRun> VerifyTdxAsync(string policy) => CliRun.InvokeAsync(
        "quote", "verify", Path.Combine(Phala, "tdx_quote"), "--collateral", Path.Combine(Phala, "tdx_quote_collateral.json"), "--at", "1752919234", "--policy", policy, "--json");

    private static async Task<List<string?>> ViolatedFieldsAsync(string policy)
    {
        CliRun run = await VerifySgxAsync(policy);
        Assert.True(run.ExitCode == 1, run.Output + run.Error);
        using JsonDocument report = JsonDocument.Parse(run.Output);
        return [.. report.RootElement.GetProperty("policyViolations").EnumerateArray().Select(v => v.GetProperty("field").GetString())];
    }

    private static TomlTable ReadToml(string path) => TomlSerializer.Deserialize<TomlTable>(File.ReadAllText(path))!;

    private static string Sample(string name) =>
        Path.Combine(TestPaths.RepoRoot, "tests", "BlindAI.SampleHost.Tests", "Packaging", "Samples", name);

    private static string Sigstruct(
        string? mrEnclave = SampleEnclave,
        string mrSigner = SampleSigner,
        string isvProdId = "1",
        string isvSvn = "3",
        string debug = "false",
        (string Flags, string FlagsMask)? attributes = null)
    {
        var members = new List<string> { $"\"mr_signer\": \"{mrSigner}\"" };
        if (mrEnclave is not null)
        {
            members.Add($"\"mr_enclave\": \"{mrEnclave}\"");
        }

        members.Add($"\"isv_prod_id\": {isvProdId}");
        members.Add($"\"isv_svn\": {isvSvn}");
        if (attributes is { } a)
        {
            members.Add($"\"attribute_flags\": \"{a.Flags}\", \"attribute_xfrms\": \"0x3\", \"misc_select\": \"0x0\", "
                + $"\"attribute_flags_mask\": \"{a.FlagsMask}\", \"attribute_xfrm_mask\": \"0xfffffffffff9ff1b\", \"misc_mask\": \"0xffffffff\", \"date\": \"2026-11-25\"");
        }

        members.Add($"\"debug_enclave\": {debug}");
        return "{" + string.Join(", ", members) + "}";
    }
}
