using System.Runtime.Versioning;
using System.Text.Json;
using BlindAI.Testing;

namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>
/// The manifest against the real publish output: the entrypoint exists and is the self-contained
/// apphost, every library the runtime and ONNX Runtime load is a trusted file (or Gramine's own
/// glibc), and the runtime settings baked into runtimeconfig.json agree with the manifest.
/// </summary>
[Collection(PublishedHostCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class PublishedLayoutTests(PublishedHostFixture published)
{
    /// <summary>Libraries Gramine's patched glibc (gramine.runtimedir(), mounted at /lib) provides.</summary>
    private static readonly HashSet<string> GramineRuntimeLibraries =
    [
        "ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1",
        "libresolv.so.2", "libutil.so.1", "libnss_dns.so.2", "libnss_files.so.2",
    ];

    /// <summary>Native libraries the .NET runtime, ASP.NET Core and ONNX Runtime load from the app folder.</summary>
    private static readonly string[] AppNativeLibraries =
    [
        "libhostfxr.so", "libhostpolicy.so", "libcoreclr.so", "libclrjit.so", "libSystem.Native.so",
        "libSystem.Security.Cryptography.Native.OpenSsl.so", "libSystem.Net.Security.Native.so",
        "libSystem.IO.Compression.Native.so", "libonnxruntime.so",
    ];

    [Fact]
    public void Entrypoint_is_the_self_contained_apphost_inside_the_trusted_publish_folder()
    {
        var files = FileSystem();
        var entrypoint = published.Manifest.String("libos.entrypoint");
        var hostPath = files.ToHostPath(entrypoint);

        Assert.Equal(Path.Combine(published.PublishDirectory, "BlindAI.SampleHost"), hostPath);
        Assert.True(File.Exists(hostPath), $"{hostPath} was not published.");
        Assert.True(files.IsTrusted(hostPath));
        Assert.Equal([0x7F, (byte)'E', (byte)'L', (byte)'F'], File.ReadAllBytes(hostPath)[..4]);
        Assert.True(File.GetUnixFileMode(hostPath).HasFlag(UnixFileMode.UserExecute));

        using var runtimeConfig = RuntimeConfig();
        var options = runtimeConfig.RootElement.GetProperty("runtimeOptions");
        Assert.True(options.TryGetProperty("includedFrameworks", out _), "The publish is not self-contained.");
        Assert.False(options.TryGetProperty("frameworks", out _), "A framework-dependent publish would load an unmeasured runtime.");
    }

    [Fact]
    public void Native_libraries_of_the_runtime_and_ONNX_Runtime_are_trusted_and_on_the_library_path()
    {
        var files = FileSystem();
        var libraryPath = published.Manifest.Environment["LD_LIBRARY_PATH"].Split(':');

        Assert.Contains("/app", libraryPath);
        Assert.All(AppNativeLibraries, name =>
        {
            var hostPath = Path.Combine(published.PublishDirectory, name);
            Assert.True(File.Exists(hostPath), $"{name} is not in the publish output.");
            Assert.True(files.IsTrusted(hostPath), $"{name} is not a trusted file.");
        });
    }

    [Fact]
    public async Task System_libraries_the_published_binaries_link_are_trusted_or_come_with_Gramine()
    {
        var files = FileSystem();
        var archLibDir = published.Manifest.Defines["arch_libdir"];
        // libcoreclrtraceptprovider.so links LTTng, which is neither trusted nor wanted: coreclr loads
        // that provider only when DOTNET_LTTng is not 0.
        Assert.Equal("0", published.Manifest.Environment["DOTNET_LTTng"]);
        var binaries = Directory.GetFiles(published.PublishDirectory, "*.so")
            .Where(path => Path.GetFileName(path) != "libcoreclrtraceptprovider.so")
            .Append(Path.Combine(published.PublishDirectory, "BlindAI.SampleHost"))
            .ToArray();

        var ldd = await ExternalCommand.RunAsync("ldd", binaries, published.PublishDirectory, TimeSpan.FromMinutes(1));
        var linked = ldd.StandardOutput.Split('\n')
            .Select(line => line.Trim().Split(' '))
            .Where(parts => parts.Length >= 3 && parts[1] == "=>")
            .Select(parts => (Name: parts[0], Resolved: parts[2]))
            .Distinct()
            .ToList();

        Assert.Contains(linked, library => library.Name == "libstdc++.so.6");
        Assert.DoesNotContain(linked, library => library.Resolved == "not");
        Assert.All(
            linked.Where(library => !library.Resolved.StartsWith(published.PublishDirectory, StringComparison.Ordinal)
                                    && !GramineRuntimeLibraries.Contains(library.Name)),
            library => Assert.True(files.IsTrusted(Path.Combine(archLibDir, library.Name)), $"{library.Name} (linked by a published binary) is not a trusted file."));

        // OpenSSL is not linked but dlopen'ed by the crypto shim as libssl.so.3, which links libcrypto.
        var shim = await File.ReadAllTextAsync(Path.Combine(published.PublishDirectory, "libSystem.Security.Cryptography.Native.OpenSsl.so"));
        Assert.Contains("libssl.so.3", shim, StringComparison.Ordinal);
        var libssl = Path.Combine(archLibDir, "libssl.so.3");
        Assert.True(files.IsTrusted(libssl), "libssl.so.3 is not a trusted file.");
        var sslDependencies = await ExternalCommand.RunAsync("ldd", [libssl], published.PublishDirectory, TimeSpan.FromMinutes(1));
        Assert.Contains("libcrypto.so.3", sslDependencies.StandardOutput, StringComparison.Ordinal);
        Assert.True(files.IsTrusted(Path.Combine(archLibDir, "libcrypto.so.3")), "libcrypto.so.3 is not a trusted file.");
    }

    [Fact]
    public void Runtime_configuration_agrees_with_the_manifest()
    {
        using var runtimeConfig = RuntimeConfig();
        var properties = runtimeConfig.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        var environment = published.Manifest.Environment;

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.Equal("0", environment["DOTNET_gcServer"]);
        Assert.True(properties.GetProperty("System.Globalization.Invariant").GetBoolean());
        Assert.Equal("1", environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"]);

        // Thread-pool ceiling plus the runtime's own threads (GC, finalizer, tiering, timers, socket
        // engines, ONNX Runtime pools: ~24 with DOTNET_PROCESSOR_COUNT=4) must fit in the enclave's TCS slots.
        var poolThreads = properties.GetProperty("System.Threading.ThreadPool.MaxThreads").GetInt32();
        Assert.InRange(poolThreads + 24, 0, published.Manifest.Integer("sgx.max_threads"));
    }

    [Fact]
    public void Only_what_runs_is_published_into_the_measured_folder()
    {
        var names = Directory.GetFiles(published.PublishDirectory).Select(Path.GetFileName).ToList();

        Assert.DoesNotContain(names, name => name!.EndsWith(".pdb", StringComparison.Ordinal));
        Assert.DoesNotContain(names, name => name!.EndsWith(".xml", StringComparison.Ordinal));
        Assert.Empty(Directory.GetDirectories(published.PublishDirectory, "runtimes"));
    }

    [Fact]
    public void Packaging_files_the_manifest_trusts_exist_in_the_repository()
    {
        var files = FileSystem();

        var openSslConf = files.ToHostPath(published.Manifest.Environment["OPENSSL_CONF"]);
        Assert.Equal(GramineFolder.File("openssl.cnf"), openSslConf);
        Assert.True(files.IsTrusted(openSslConf!));
    }

    private EnclaveFileSystem FileSystem() => new(published.Manifest, "/nonexistent/tmpfs", "/nonexistent/data");

    private JsonDocument RuntimeConfig() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(published.PublishDirectory, "BlindAI.SampleHost.runtimeconfig.json")));
}
