using System.CommandLine;

namespace BlindAI.Cli;

/// <summary>Builds the <c>blindai</c> command tree.</summary>
internal static class BlindAICommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand(
            "blindai: verify Intel SGX/TDX DCAP evidence and RA-TLS certificates, attest BlindAI servers and manage their models.");
        return root;
    }
}
