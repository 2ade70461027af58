using BlindAI.Testing;

namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>
/// The original BlindAI 0.6 Python client, unchanged, driven by <c>../shared/tools/blindai-py-compat/run_client.py</c>
/// (connect, upload, run, delete; outputs as JSON). Its code may not live in this repository: <c>setup.sh</c> there
/// extracts it from a clone of mithril-security/blindai into <see cref="Folder"/> (<c>BLINDAI_COMPAT</c>, else
/// <c>~/.cache/blindai-compat</c>). It runs in its own simulation mode (its native DCAP module is a stub): it checks
/// the wire, not attestation.
/// </summary>
internal static class OriginalPythonClient
{
    /// <summary>Where setup.sh prepared the client.</summary>
    public static string Folder =>
        Environment.GetEnvironmentVariable("BLINDAI_COMPAT") is { Length: > 0 } configured
            ? configured
            : Path.Combine(
                Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache ? cache : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
                "blindai-compat");

    /// <summary>Whether <see cref="Folder"/> holds the prepared client.</summary>
    public static bool IsPrepared =>
        File.Exists(Path.Combine(Folder, "src", "client", "blindai", "core.py")) && File.Exists(Path.Combine(Folder, "run_client.py"));

    /// <summary>Uploads <paramref name="model"/> (two [2,3] float inputs), runs it with run_client.py's inputs, deletes it.</summary>
    /// <returns>The client's exit code and output (JSON outputs on standard output).</returns>
    public static Task<CommandResult> RunSubtractAsync(string model, int untrustedPort, int attestedPort, int managementPort, string workingDirectory) =>
        ExternalCommand.RunAsync(
            "/usr/bin/python3",
            [
                "-s", Path.Combine(Folder, "run_client.py"), model, "--shape", "2,3", "--shape", "2,3", "--quiet-warnings",
                "--unattested-port", Port(untrustedPort), "--attested-port", Port(attestedPort), "--management-port", Port(managementPort),
            ],
            workingDirectory,
            TimeSpan.FromMinutes(2),
            environment: new Dictionary<string, string?>
            {
                ["PYTHONPATH"] = string.Join(':', Path.Combine(Folder, "src", "client"), Path.Combine(Folder, "stubs"), Path.Combine(Folder, "site")),
                ["PYTHONHOME"] = null,
                ["PYTHONDONTWRITEBYTECODE"] = "1",
            });

    /// <summary>What the subtract model returns for run_client.py's inputs: arange(6) * 0.5 - 1.5 minus (arange(6) + 1000) * 0.5 - 1.5.</summary>
    public static IEnumerable<double> SubtractOutputs(CommandResult result)
    {
        using var outputs = System.Text.Json.JsonDocument.Parse(result.StandardOutput);
        return [.. outputs.RootElement.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(value => value.GetDouble())];
    }

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
