using System.CommandLine;
using BlindAI.Attestation;

namespace BlindAI.Cli.Commands;

/// <summary>Runs a command body and maps input errors to exit code 2 with one line on standard error.</summary>
internal static class CommandRunner
{
    public static void SetAction(Command command, Func<ParseResult, TextWriter, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            TextWriter error = parse.InvocationConfiguration.Error;
            try
            {
                return await body(parse, output, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is CliInputException or AttestationFormatException or IOException or InvalidDataException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"blindai: {OneLine(ex.Message)}").ConfigureAwait(false);
                return CliExitCode.UsageOrInput;
            }
        });

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
