namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>
/// A test that drives the original BlindAI 0.6 Python client. That client's code may not live in this repository: it is
/// extracted from a clone of mithril-security/blindai by <c>../shared/tools/blindai-py-compat/setup.sh</c> into
/// <see cref="Folder"/> (<c>BLINDAI_COMPAT</c>, else <c>~/.cache/blindai-compat</c>). Where it has not been prepared the
/// test is reported as skipped, with the command that prepares it, never as passed.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class OriginalPythonClientFactAttribute : FactAttribute
{
    public OriginalPythonClientFactAttribute()
    {
        if (!IsPrepared(Folder))
        {
            Skip = $"The original BlindAI 0.6 Python client is not prepared in {Folder}: run BLINDAI_GIT_DIR=<git dir of a clone of "
                + $"mithril-security/blindai> COMPAT={Folder} ../shared/tools/blindai-py-compat/setup.sh (or set BLINDAI_COMPAT to a folder it prepared).";
        }
    }

    /// <summary>Where setup.sh prepared the client.</summary>
    public static string Folder =>
        Environment.GetEnvironmentVariable("BLINDAI_COMPAT") is { Length: > 0 } configured
            ? configured
            : Path.Combine(
                Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache ? cache : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
                "blindai-compat");

    private static bool IsPrepared(string folder) =>
        File.Exists(Path.Combine(folder, "src", "client", "blindai", "core.py")) && File.Exists(Path.Combine(folder, "run_client.py"));
}
