using System.Globalization;
using BlindAI.Testing;
using Tomlyn.Model;

namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>
/// The Gramine manifest template, rendered with the Makefile's own variables (as gramine-manifest
/// would) and checked as TOML: the settings a .NET host needs inside SGX, and nothing that weakens
/// the enclave.
/// </summary>
public sealed class ManifestTemplateTests
{
    [Fact]
    public async Task Release_build_is_not_debuggable_attests_with_DCAP_and_logs_only_errors()
    {
        var manifest = await RenderedManifest.RenderAsync();

        Assert.False(manifest.Boolean("sgx.debug"));
        Assert.Equal("dcap", manifest.String("sgx.remote_attestation"));
        Assert.Equal("error", manifest.String("loader.log_level"));
        Assert.Equal("strict", manifest.String("sgx.file_check_policy"));
        Assert.True(manifest.Boolean("sgx.use_exinfo"));
    }

    [Fact]
    public async Task Debug_enclave_is_produced_only_when_DEBUG_is_1()
    {
        var debug = await RenderedManifest.RenderAsync("DEBUG=1");
        Assert.True(debug.Boolean("sgx.debug"));
        Assert.Equal("debug", debug.String("loader.log_level"));
        // Still attests: a debug enclave's quote is rejected by strict client policies, not by skipping attestation.
        Assert.Equal("dcap", debug.String("sgx.remote_attestation"));

        // Any other value fails closed to a production enclave (check-config rejects it before that).
        var typo = await RenderedManifest.RenderAsync("DEBUG=true");
        Assert.False(typo.Boolean("sgx.debug"));
    }

    [Fact]
    public async Task No_insecure_option_is_enabled()
    {
        foreach (var makeVariables in new[] { System.Array.Empty<string>(), ["DEBUG=1"], ["EDMM=1"] })
        {
            var manifest = await RenderedManifest.RenderAsync(makeVariables);
            var insecure = manifest.LeafKeys().Where(key => key.Contains("insecure__", StringComparison.Ordinal)).ToList();

            Assert.All(insecure, key =>
            {
                Assert.Contains(key, GramineManifestRules.ExplicitlyDisabledInsecureKeys);
                Assert.False(manifest.Boolean(key), $"{key} must be false.");
            });
            Assert.False(manifest.Contains("fs.insecure__keys"), "Encryption keys must never be written into the manifest.");
            Assert.DoesNotContain("passthrough", manifest.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Every_key_is_one_Gramine_knows()
    {
        var manifest = await RenderedManifest.RenderAsync("MANAGEMENT_TOKEN_SHA256=" + new string('a', 64));

        var unknown = manifest.LeafKeys()
            .Where(key => !GramineManifestRules.IsKnownKey(key))
            .ToList();

        Assert.Empty(unknown);
    }

    [Fact]
    public async Task Enclave_size_is_a_power_of_two_with_room_for_the_GC_heap_and_native_memory()
    {
        var manifest = await RenderedManifest.RenderAsync();

        var enclaveSize = RenderedManifest.ParseSize(manifest.String("sgx.enclave_size"));
        Assert.True(enclaveSize > 0 && (enclaveSize & (enclaveSize - 1)) == 0, $"sgx.enclave_size {enclaveSize} is not a power of two.");

        var environment = manifest.Environment;
        var heapLimit = ParseHex(environment["DOTNET_GCHeapHardLimit"]);
        Assert.InRange(heapLimit, 256L << 20, enclaveSize / 2);
        Assert.Equal(heapLimit, ParseHex(environment["DOTNET_GCTotalPhysicalMemory"]));
    }

    [Fact]
    public async Task Threads_are_capped_below_sgx_max_threads()
    {
        var manifest = await RenderedManifest.RenderAsync();

        var maxThreads = manifest.Integer("sgx.max_threads");
        var processors = long.Parse(manifest.Environment["DOTNET_PROCESSOR_COUNT"], CultureInfo.InvariantCulture);
        Assert.InRange(maxThreads, 64, 4096);
        Assert.InRange(processors, 1, maxThreads / 8);
    }

    [Fact]
    public async Task Arguments_are_fixed_in_the_manifest_and_carry_the_ports_and_the_data_folder()
    {
        var manifest = await RenderedManifest.RenderAsync();

        Assert.False(manifest.Boolean("loader.insecure__use_cmdline_argv"));
        Assert.False(manifest.Contains("loader.argv_src_file"));
        Assert.Equal(
            ["/app/BlindAI.SampleHost", "--untrusted-port", "9923", "--attested-port", "9924", "--management-port", "9925", "--data-dir", "/data"],
            manifest.Strings("loader.argv"));
        Assert.Equal(manifest.String("libos.entrypoint"), manifest.Strings("loader.argv")[0]);

        var custom = await RenderedManifest.RenderAsync("UNTRUSTED_PORT=443", "ATTESTED_PORT=8443", "MANAGEMENT_PORT=9443");
        Assert.Equal(["443", "8443", "9443"], OptionValues(custom, "--untrusted-port", "--attested-port", "--management-port"));
    }

    [Fact]
    public async Task Management_token_enters_the_manifest_only_as_its_SHA256()
    {
        var token = "correct-horse-battery-staple-" + Guid.NewGuid();
        var tokenFile = Path.Combine(Path.GetTempPath(), $"blindai-token-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(tokenFile, token + "\n");
        try
        {
            var manifest = await RenderedManifest.RenderAsync("MANAGEMENT_TOKEN_FILE=" + tokenFile);

            var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
            Assert.Equal([expected], OptionValues(manifest, "--management-token-sha256"));
            Assert.DoesNotContain(token, manifest.Text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(tokenFile);
        }

        var withoutToken = await RenderedManifest.RenderAsync();
        Assert.DoesNotContain("--management-token-sha256", withoutToken.Strings("loader.argv"));
    }

    [Fact]
    public async Task Host_environment_is_not_passed_and_the_runtime_environment_is_fixed()
    {
        var manifest = await RenderedManifest.RenderAsync();

        Assert.False(manifest.Boolean("loader.insecure__use_host_env"));
        var environment = manifest.Environment;
        Assert.Equal("1", environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"]);
        Assert.Equal("0", environment["DOTNET_EnableDiagnostics"]);
        Assert.Equal("0", environment["DOTNET_EnableWriteXorExecute"]);
        Assert.Equal("0", environment["DOTNET_gcServer"]);
        Assert.Equal("1", environment["DOTNET_USE_POLLING_FILE_WATCHER"]);
        Assert.Equal("Production", environment["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal("/tmp", environment["HOME"]);
        Assert.DoesNotContain("LD_PRELOAD", environment.Keys);
        Assert.DoesNotContain("ASPNETCORE_URLS", environment.Keys);
        Assert.Equal(["/lib", "/lib/x86_64-linux-gnu", "/app"], environment["LD_LIBRARY_PATH"].Split(':'));
    }

    [Fact]
    public async Task Every_path_the_environment_names_is_inside_a_mount()
    {
        var manifest = await RenderedManifest.RenderAsync();
        var mountPoints = manifest.Tables("fs.mounts").Select(mount => (string)mount["path"]).ToList();
        var environment = manifest.Environment;

        var paths = environment["LD_LIBRARY_PATH"].Split(':')
            .Concat(new[] { "HOME", "TMPDIR", "OPENSSL_CONF", "SSL_CERT_FILE" }.Select(name => environment[name]))
            .Append(manifest.String("libos.entrypoint"));

        Assert.All(paths, path => Assert.Contains(mountPoints, mount => path == mount || path.StartsWith(mount + "/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Every_mounted_host_path_is_measured_except_the_encrypted_data_folder_and_tmpfs()
    {
        var manifest = await RenderedManifest.RenderAsync();
        var trusted = manifest.Strings("sgx.trusted_files");

        Assert.Empty(manifest.Strings("sgx.allowed_files"));
        foreach (var mount in manifest.Tables("fs.mounts"))
        {
            var type = mount.TryGetValue("type", out var value) ? (string)value! : "chroot";
            if (type is "tmpfs" or "encrypted")
            {
                continue;
            }

            Assert.Equal("chroot", type);
            var uri = (string)mount["uri"];
            Assert.True(
                trusted.Any(file => file == uri || file == uri + "/" || file.StartsWith(uri + "/", StringComparison.Ordinal)),
                $"Mount {mount["path"]} -> {uri} has no trusted file under it.");
        }

        Assert.Contains("file:" + GramineFolder.RuntimeDir + "/", trusted);
        Assert.Contains("file:publish/", trusted);
        Assert.Contains(trusted, file => file.EndsWith("/libonnxruntime.so", StringComparison.Ordinal) || file == "file:publish/");
    }

    [Fact]
    public async Task Data_folder_is_an_encrypted_mount_sealed_to_the_enclave_identity()
    {
        var manifest = await RenderedManifest.RenderAsync();

        var data = Assert.Single(manifest.Tables("fs.mounts"), mount => (string)mount["path"] == "/data");
        Assert.Equal("encrypted", data["type"]);
        Assert.Equal("file:data", data["uri"]);
        Assert.Equal("_sgx_mrenclave", data["key_name"]);
        Assert.Equal("/data", OptionValues(manifest, "--data-dir").Single());

        var signerSealed = await RenderedManifest.RenderAsync("SEAL_KEY=_sgx_mrsigner");
        Assert.Equal("_sgx_mrsigner", Assert.Single(signerSealed.Tables("fs.mounts"), mount => (string)mount["path"] == "/data")["key_name"]);
    }

    [Fact]
    public async Task Host_never_forks_and_shuts_down_gracefully_on_SIGTERM()
    {
        var manifest = await RenderedManifest.RenderAsync();

        Assert.True(manifest.Boolean("sys.disallow_subprocesses"));
        Assert.True(manifest.Boolean("sys.enable_sigterm_injection"));
        Assert.Equal("0", manifest.Environment["DOTNET_DbgEnableMiniDump"]);
    }

    [Fact]
    public async Task Identity_numbers_come_from_the_Makefile()
    {
        var manifest = await RenderedManifest.RenderAsync("ISV_PROD_ID=42", "ISV_SVN=7");

        Assert.Equal(42, manifest.Integer("sgx.isvprodid"));
        Assert.Equal(7, manifest.Integer("sgx.isvsvn"));
    }

    private static long ParseHex(string value)
    {
        Assert.StartsWith("0x", value, StringComparison.Ordinal);
        return long.Parse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    private static string[] OptionValues(RenderedManifest manifest, params string[] options)
    {
        var argv = manifest.Strings("loader.argv");
        return [.. options.Select(option =>
        {
            var index = argv.ToList().IndexOf(option);
            Assert.True(index > 0 && index + 1 < argv.Count, $"loader.argv has no value for {option}.");
            return argv[index + 1];
        })];
    }
}
