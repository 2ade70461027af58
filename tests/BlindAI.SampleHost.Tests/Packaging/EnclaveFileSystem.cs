using BlindAI.Testing;
using Tomlyn.Model;

namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>
/// Maps paths as the enclave sees them (<c>/app/…</c>, <c>/tmp</c>, <c>/data</c>) to host paths through
/// the manifest's <c>fs.mounts</c>, and answers whether a host file is a trusted file.
/// Relative URIs are relative to the folder gramine-sgx starts in: the gramine/ folder.
/// </summary>
internal sealed class EnclaveFileSystem
{
    private readonly List<(string Path, string Type, string? HostPath)> _mounts;
    private readonly IReadOnlyList<string> _trustedFiles;

    public EnclaveFileSystem(RenderedManifest manifest, string tmpfsDirectory, string encryptedDirectory)
    {
        _mounts = [.. manifest.Tables("fs.mounts").Select(mount => Describe(mount, tmpfsDirectory, encryptedDirectory))];
        _trustedFiles = [.. manifest.Strings("sgx.trusted_files").Select(HostPathOf)];
    }

    /// <summary>The host path behind an enclave path, or null when no mount covers it.</summary>
    public string? ToHostPath(string enclavePath)
    {
        var mount = _mounts
            .Where(m => enclavePath == m.Path || enclavePath.StartsWith(m.Path + "/", StringComparison.Ordinal))
            .OrderByDescending(m => m.Path.Length)
            .FirstOrDefault();
        return mount.HostPath is null ? null : mount.HostPath + enclavePath[mount.Path.Length..];
    }

    /// <summary>True when <paramref name="hostPath"/> is listed in sgx.trusted_files, directly or under a listed folder.</summary>
    public bool IsTrusted(string hostPath)
    {
        var full = Path.GetFullPath(hostPath);
        return _trustedFiles.Any(trusted => trusted.EndsWith('/')
            ? full.StartsWith(trusted, StringComparison.Ordinal)
            : full == trusted);
    }

    private static (string Path, string Type, string? HostPath) Describe(TomlTable mount, string tmpfsDirectory, string encryptedDirectory)
    {
        var path = (string)mount["path"];
        var type = mount.TryGetValue("type", out var value) ? (string)value! : "chroot";
        return type switch
        {
            "tmpfs" => (path, type, tmpfsDirectory),
            "encrypted" => (path, type, encryptedDirectory),
            _ => (path, type, HostPathOf((string)mount["uri"]).TrimEnd('/')),
        };
    }

    private static string HostPathOf(string uri)
    {
        Assert.StartsWith("file:", uri, StringComparison.Ordinal);
        var path = uri["file:".Length..];
        var full = Path.GetFullPath(path, GramineFolder.Root);
        return path.EndsWith('/') && !full.EndsWith('/') ? full + "/" : full;
    }
}
