using BlindAI.Testing;

namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>
/// <c>make check-config</c> runs before anything is published or signed and refuses values that would
/// build a wrong or weakened enclave, or that would break out of the TOML they are pasted into.
/// </summary>
public sealed class MakefileConfigTests
{
    [Fact]
    public async Task Defaults_with_a_collateral_source_pass()
    {
        var result = await CheckAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task Without_a_collateral_source_the_build_is_refused_naming_the_variables_to_set()
    {
        // The host would refuse to start without one (no client could attest it): better said at make time, before
        // an enclave is signed.
        var result = await ExternalCommand.RunAsync("make", ["-s", "--no-print-directory", "check-config"], GramineFolder.Root, TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no collateral source", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("PCCS_URL=", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("INTEL_PCS=1", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PCCS_URL=http://pccs.example:8081/", "must be an https URL")]
    [InlineData("PCCS_URL=https://pccs.example/\",\"--simulation", "must be an https URL")]
    [InlineData("PCCS_URL=https://pccs.example:8081/ INTEL_PCS=1", "not both")]
    [InlineData("INTEL_PCS=yes", "INTEL_PCS must be 0 or 1")]
    [InlineData("INTEL_PCS=1 PCCS_CA_FILE=openssl.cnf", "applies only with PCCS_URL")]
    [InlineData("PCCS_URL=https://pccs.example:8081/ PCCS_CA_FILE=/nonexistent/pccs-ca.pem", "missing or empty")]
    [InlineData("PCCS_URL=https://pccs.example:8081/ PCCS_API_KEY_FILE=/nonexistent/pccs-api-key", "missing or empty")]
    public async Task A_collateral_source_that_is_malformed_ambiguous_or_incomplete_is_refused(string variables, string message)
    {
        var result = await ExternalCommand.RunAsync(
            "make", ["-s", "--no-print-directory", "check-config", .. variables.Split(' ')], GramineFolder.Root, TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_PCCS_with_its_CA_file_passes()
    {
        var result = await ExternalCommand.RunAsync(
            "make", ["-s", "--no-print-directory", "check-config", "PCCS_URL=https://pccs.example:8081/", "PCCS_CA_FILE=openssl.cnf"], GramineFolder.Root, TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Theory]
    [InlineData("ENCLAVE_SIZE=3G", "power of two")]
    [InlineData("ENCLAVE_SIZE=8", "512M or 8G")]
    [InlineData("GC_HEAP_HARD_LIMIT=0x180000000", "half of ENCLAVE_SIZE")]
    [InlineData("GC_HEAP_HARD_LIMIT=2147483648", "hexadecimal")]
    [InlineData("GC_HEAP_HARD_LIMIT=0x100000", "at least 64 MiB")]
    [InlineData("ATTESTED_PORT=9923", "ports must differ")]
    [InlineData("UNTRUSTED_PORT=0", "TCP port")]
    [InlineData("MANAGEMENT_PORT=70000", "TCP port")]
    [InlineData("DEBUG=true", "DEBUG must be 0 or 1")]
    [InlineData("EDMM=yes", "EDMM must be 0 or 1")]
    [InlineData("MAX_THREADS=16", "at least 64")]
    [InlineData("ISV_SVN=65536", "ISV_SVN")]
    [InlineData("SEAL_KEY=default", "SEAL_KEY")]
    [InlineData("DATA_DIR=data\" }, { path = \"/x", "plain path")]
    [InlineData("MANAGEMENT_TOKEN_SHA256=not-a-hash", "64 lowercase hex")]
    [InlineData("MANAGEMENT_TOKEN_FILE=/nonexistent/blindai-token", "missing or empty")]
    [InlineData("MANAGEMENT_TOKEN_SHA256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "SHA-256 of an empty token")]
    [InlineData("SIGN_DATE=tomorrow", "YYYY-MM-DD")]
    public async Task Dangerous_or_malformed_values_are_refused_with_a_message(string variable, string message)
    {
        var result = await CheckAsync(variable);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ENCLAVE_SIZE=16G", "GC_HEAP_HARD_LIMIT=0x100000000")]
    [InlineData("ENCLAVE_SIZE=512M", "GC_HEAP_HARD_LIMIT=0x10000000")]
    [InlineData("DEBUG=1", "EDMM=1")]
    [InlineData("SEAL_KEY=_sgx_mrsigner", "ISV_SVN=2")]
    public async Task Sensible_alternatives_pass(string first, string second)
    {
        var result = await CheckAsync(first, second);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Theory]
    [InlineData("short-token\n", "at least 32 characters")]
    [InlineData("\nthe-real-token-on-the-second-line-0123456789\n", "at least 32 characters")]
    [InlineData("a token with spaces that is long enough 0123456789\n", "must not contain whitespace")]
    [InlineData("a-token-with-a-tab-that-is-long-enough\t0123456789\n", "must not contain whitespace")]
    public async Task A_management_token_file_that_would_give_a_weak_or_unusable_token_is_refused(string content, string message)
    {
        var file = Path.Combine(Path.GetTempPath(), $"blindai-token-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(file, content);
        try
        {
            var result = await CheckAsync("MANAGEMENT_TOKEN_FILE=" + file);

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
            // The token is a secret: check-config never prints it.
            Assert.DoesNotContain(content.Trim(), result.StandardError + result.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_random_token_file_passes_and_a_token_hash_beside_it_is_refused()
    {
        var file = Path.Combine(Path.GetTempPath(), $"blindai-token-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(file, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) + "\n");
        try
        {
            var alone = await CheckAsync("MANAGEMENT_TOKEN_FILE=" + file);
            Assert.True(alone.ExitCode == 0, alone.ToString());

            // Both given: the Makefile would use the hash and drop the file without a word.
            var both = await CheckAsync("MANAGEMENT_TOKEN_FILE=" + file, "MANAGEMENT_TOKEN_SHA256=" + new string('a', 64));
            Assert.NotEqual(0, both.ExitCode);
            Assert.Contains("not both", both.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary><c>make check-config</c> with the given variables and a collateral source (Intel PCS), which every build needs.</summary>
    private static Task<CommandResult> CheckAsync(params string[] variables) =>
        ExternalCommand.RunAsync("make", ["-s", "--no-print-directory", "check-config", "INTEL_PCS=1", .. variables], GramineFolder.Root, TimeSpan.FromSeconds(30));
}
