using System.Text.Json;
using BlindAI.Tests;

namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>
/// <c>gramine/sigstruct-to-policy.py</c> turns <c>gramine-sgx-sigstruct-view --output-format=json</c>
/// output into the client policy JSON. The samples in <c>Packaging/Samples</c> were captured from the
/// real tool (see the README there).
/// </summary>
public sealed class SigstructToPolicyTests
{
    private const string SampleSigner = "112f3539c52e411214d719fd3512b660be8e9c2c13b07ac62dc7d9cb6b9bbf37";
    private const string SampleEnclave = "919aa89525fb1550911c388e8e964d65a96064da219141f78007754cef739bf3";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("sigstruct-view-release.json")]
    [InlineData("sigstruct-view-release-verbose.json")]
    public async Task Release_sigstruct_becomes_a_policy_pinning_the_measured_identity(string sample)
    {
        var result = await RunAsync(Sample(sample));

        Assert.True(result.ExitCode == 0, result.ToString());
        using var policy = JsonDocument.Parse(result.StandardOutput);
        var root = policy.RootElement;
        Assert.Equal(["sgx"], root.EnumerateObject().Select(property => property.Name));
        var sgx = root.GetProperty("sgx");
        Assert.Equal(["mrEnclave", "mrSigner", "isvProdId", "minimumIsvSvn"], sgx.EnumerateObject().Select(property => property.Name));
        Assert.Equal([SampleEnclave], sgx.GetProperty("mrEnclave").EnumerateArray().Select(value => value.GetString()));
        Assert.Equal(SampleSigner, sgx.GetProperty("mrSigner").GetString());
        Assert.Equal(1, sgx.GetProperty("isvProdId").GetInt32());
        Assert.Equal(3, sgx.GetProperty("minimumIsvSvn").GetInt32());

        // The file is what clients load: the attestation policy reader accepts it and pins exactly that identity.
        var loaded = BlindAI.Attestation.Policy.AttestationPolicy.FromJson(result.StandardOutput);
        Assert.Equal(SampleEnclave, Assert.Single(loaded.MrEnclaves).ToString());
        Assert.Equal(SampleSigner, loaded.MrSigner?.ToString());
        Assert.Equal((ushort)1, loaded.IsvProdId);
        Assert.Equal((ushort)3, loaded.MinimumIsvSvn);
        Assert.False(loaded.DebugAllowed);
        Assert.False(loaded.UnpinnedIdentityAllowed);
    }

    [Fact]
    public async Task Debug_enclave_is_refused_unless_allowed_and_then_the_policy_says_so()
    {
        var refused = await RunAsync(Sample("sigstruct-view-debug-verbose.json"));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("DEBUG attribute", refused.StandardError, StringComparison.Ordinal);
        Assert.Empty(refused.StandardOutput);

        var allowed = await RunAsync(Sample("sigstruct-view-debug-verbose.json"), "--allow-debug");
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        using var policy = JsonDocument.Parse(allowed.StandardOutput);
        Assert.True(policy.RootElement.GetProperty("allowDebug").GetBoolean());
        Assert.True(BlindAI.Attestation.Policy.AttestationPolicy.FromJson(allowed.StandardOutput).DebugAllowed);
    }

    [Fact]
    public async Task Allow_debug_does_not_add_anything_to_a_release_policy()
    {
        var result = await RunAsync(Sample("sigstruct-view-release.json"), "--allow-debug");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var policy = JsonDocument.Parse(result.StandardOutput);
        Assert.False(policy.RootElement.TryGetProperty("allowDebug", out _));
    }

    [Fact]
    public async Task Unstable_plain_text_output_is_refused_with_a_hint()
    {
        var result = await RunAsync(Sample("sigstruct-view-release.txt"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--output-format=json", result.StandardError, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> MalformedInputs => new()
    {
        { "", "not JSON" },
        { "[]", "JSON object" },
        { Json(mrEnclave: null), "'mr_enclave'" },
        { Json(mrEnclave: SampleEnclave[..62]), "'mr_enclave'" },
        { Json(mrEnclave: "zz" + SampleEnclave[2..]), "'mr_enclave'" },
        { Json(mrSigner: new string('0', 64)), "all zeros" },
        { Json(isvProdId: "70000"), "'isv_prod_id'" },
        { Json(isvProdId: "-1"), "'isv_prod_id'" },
        { Json(isvSvn: "true"), "'isv_svn'" },
        { Json(isvSvn: "\"3\""), "'isv_svn'" },
        { Json(debug: "null"), "'debug_enclave'" },
        { Json(debug: "false", flags: "\"0x6\""), "disagree" },
        { Json(flags: "\"banana\""), "'attribute_flags'" },
        { Json().Replace("}", $", \"mr_enclave\": \"{SampleEnclave}\"}}", StringComparison.Ordinal), "more than once" },
    };

    [Theory]
    [MemberData(nameof(MalformedInputs))]
    public async Task Malformed_input_is_refused_with_a_message_not_a_traceback(string input, string message)
    {
        var result = await RunOnStandardInputAsync(input);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
        Assert.StartsWith("sigstruct-to-policy: error:", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Traceback", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task Hex_is_normalised_to_lower_case()
    {
        var result = await RunOnStandardInputAsync(Json(mrEnclave: SampleEnclave.ToUpperInvariant()));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(SampleEnclave, result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_file_is_replaced_only_when_the_input_is_valid()
    {
        var directory = Directory.CreateTempSubdirectory("blindai-policy-");
        try
        {
            var output = Path.Combine(directory.FullName, "blindai-policy.json");
            await File.WriteAllTextAsync(output, "previous policy");

            var failed = await RunAsync(Sample("sigstruct-view-debug-verbose.json"), "--output", output);
            Assert.Equal(1, failed.ExitCode);
            Assert.Equal("previous policy", await File.ReadAllTextAsync(output));

            var written = await RunAsync(Sample("sigstruct-view-release.json"), "--output", output);
            Assert.True(written.ExitCode == 0, written.ToString());
            using var policy = JsonDocument.Parse(await File.ReadAllTextAsync(output));
            Assert.Equal(SampleSigner, policy.RootElement.GetProperty("sgx").GetProperty("mrSigner").GetString());
            Assert.Single(directory.GetFiles());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Json(
        string? mrEnclave = SampleEnclave,
        string mrSigner = SampleSigner,
        string isvProdId = "1",
        string isvSvn = "3",
        string debug = "false",
        string? flags = null)
    {
        var members = new List<string> { $"\"mr_signer\": \"{mrSigner}\"" };
        if (mrEnclave is not null)
        {
            members.Add($"\"mr_enclave\": \"{mrEnclave}\"");
        }

        members.Add($"\"isv_prod_id\": {isvProdId}");
        members.Add($"\"isv_svn\": {isvSvn}");
        if (flags is not null)
        {
            members.Add($"\"attribute_flags\": {flags}");
        }

        members.Add($"\"debug_enclave\": {debug}");
        return "{" + string.Join(", ", members) + "}";
    }

    private static string Sample(string name) =>
        Path.Combine(TestPaths.RepoRoot, "tests", "BlindAI.SampleHost.Tests", "Packaging", "Samples", name);

    private static Task<CommandResult> RunAsync(string input, params string[] options) =>
        ExternalCommand.RunAsync("python3", [GramineFolder.File("sigstruct-to-policy.py"), input, .. options], GramineFolder.Root, Timeout);

    private static Task<CommandResult> RunOnStandardInputAsync(string standardInput) =>
        ExternalCommand.RunAsync("python3", [GramineFolder.File("sigstruct-to-policy.py"), "-"], GramineFolder.Root, Timeout, standardInput);
}
