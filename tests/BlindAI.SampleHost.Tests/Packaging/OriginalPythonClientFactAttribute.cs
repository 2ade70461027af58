namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>
/// A test that drives the original BlindAI 0.6 Python client (<see cref="OriginalPythonClient"/>). Where that client has
/// not been prepared the test is reported as skipped, with the command that prepares it, never as passed.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class OriginalPythonClientFactAttribute : FactAttribute
{
    public OriginalPythonClientFactAttribute()
    {
        if (!OriginalPythonClient.IsPrepared)
        {
            Skip = $"The original BlindAI 0.6 Python client is not prepared in {OriginalPythonClient.Folder}: run BLINDAI_GIT_DIR=<git dir of a "
                + $"clone of mithril-security/blindai> COMPAT={OriginalPythonClient.Folder} ../shared/tools/blindai-py-compat/setup.sh "
                + "(or set BLINDAI_COMPAT to a folder it prepared).";
        }
    }
}
