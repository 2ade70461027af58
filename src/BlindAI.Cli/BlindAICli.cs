using System.CommandLine;
using BlindAI.Cli.Commands;

namespace BlindAI.Cli;

/// <summary>The <c>blindai</c> command tree and its invocation with explicit output streams (so tests can run it in-process).</summary>
internal static class BlindAICli
{
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand(
            "blindai: verify Intel SGX/TDX DCAP evidence and RA-TLS certificates, attest BlindAI servers, manage their models and write the policies clients load.")
        {
            QuoteCommand.Create(),
            RaTlsCommand.Create(),
            BenchCommand.Create(),
            AttestCommand.Create(),
            ModelCommand.Create(),
            CollateralCommand.Create(),
            PolicyCommand.Create(),
        };
        return root;
    }

    /// <summary>Parses and runs a command line; usage errors give exit code 2 with a message on <paramref name="error"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ParseResult parse = CreateRootCommand().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync($"blindai: {parseError.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'blindai --help' for usage.").ConfigureAwait(false);
            return CliExitCode.UsageOrInput;
        }

        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
