using System.CommandLine;
using BlindAI.Cli;

RootCommand root = BlindAICommandLine.Create();
ParseResult parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        await Console.Error.WriteLineAsync($"blindai: {error.Message}").ConfigureAwait(false);
    }

    await Console.Error.WriteLineAsync("Run 'blindai --help' for usage.").ConfigureAwait(false);
    return CliExitCode.UsageOrInput;
}

return await parse.InvokeAsync().ConfigureAwait(false);
