using BlindAI.LoadTest;

// Loopback only and bounded in time: the host is started in this process on 127.0.0.1 (or --host names one already
// running on this machine), and every client stops at the deadline.
LoadTestOptions? options = LoadTestOptions.Parse(args, out string? error);
if (options is null)
{
    if (!string.IsNullOrEmpty(error))
    {
        Console.Error.WriteLine(error);
    }

    Console.Error.WriteLine(LoadTestOptions.Usage);
    return string.IsNullOrEmpty(error) ? 0 : 2;
}

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupted.Cancel();
};

string command = "dotnet run -c Release --project benchmarks/BlindAI.LoadTest --" + string.Concat(args.Select(a => " " + a));
LoadReport report = await LoadRun.ExecuteAsync(options, command, Console.Out, interrupted.Token);
Console.WriteLine();
Console.WriteLine(report.ToText());
if (options.JsonPath is not null)
{
    await File.WriteAllTextAsync(options.JsonPath, report.ToJson());
    Console.WriteLine($"report written to {options.JsonPath}");
}

return report.ExitCode;
