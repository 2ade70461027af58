namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>
/// <c>make check-config</c> runs before anything is published or signed and refuses values that would
/// build a wrong or weakened enclave, or that would break out of the TOML they are pasted into.
/// </summary>
public sealed class MakefileConfigTests
{
    [Fact]
    public async Task Defaults_pass()
    {
        var result = await CheckAsync();

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

    private static Task<CommandResult> CheckAsync(params string[] variables) =>
        ExternalCommand.RunAsync("make", ["-s", "--no-print-directory", "check-config", .. variables], GramineFolder.Root, TimeSpan.FromSeconds(30));
}
