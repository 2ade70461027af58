using BlindAI.Fuzzing.Harnesses;
using BlindAI.Testing;
using SharpFuzz;

namespace BlindAI.Fuzzing;

/// <summary>
/// Command line: <c>&lt;harness&gt; fuzz</c> runs under afl-fuzz (persistent, input on stdin);
/// <c>&lt;harness&gt; seed &lt;dir&gt;</c> writes the seed corpus from the shared test vectors;
/// <c>&lt;harness&gt; replay &lt;file-or-dir&gt;...</c> feeds saved inputs (crashes, hangs, a corpus) once each and
/// reports which ones fail, with the exception.
/// </summary>
internal static class HarnessCommand
{
    private static readonly IHarness[] Harnesses =
    [
        new QuoteHarness(),
        new CollateralHarness(),
        new RaTlsCertificateHarness(),
        new CborMessageHarness(),
        new HostPipelineHarness(),
        new SelfTestHarness(),
    ];

    public static int Run(string[] args)
    {
        IHarness? harness = args.Length >= 2 ? Array.Find(Harnesses, h => h.Name == args[0]) : null;
        if (harness is null)
        {
            Console.Error.WriteLine($"usage: BlindAI.Fuzzing <{string.Join('|', Harnesses.Select(h => h.Name))}> fuzz | seed <dir> | replay <path>...");
            return 2;
        }

        switch (args[1])
        {
            case "fuzz":
                bool initialized = false;
                Fuzzer.Run(stream =>
                {
                    // Set-up runs inside the first execution: instrumented code may only run once afl-fuzz's shared
                    // memory is attached, and the host's start-up runs instrumented code.
                    if (!initialized)
                    {
                        harness.Initialize();
                        initialized = true;
                    }

                    using var buffer = new MemoryStream();
                    stream.CopyTo(buffer);
                    byte[] input = buffer.ToArray();
                    AllocationGuard.Run(input.Length, () => harness.Execute(input), harness is HostPipelineHarness);
                });
                return 0;
            case "seed" when args.Length == 3:
                Directory.CreateDirectory(args[2]);
                int count = 0;
                foreach ((string name, byte[] data) in harness.Seeds(TestPaths.TestData()))
                {
                    File.WriteAllBytes(Path.Combine(args[2], name), data);
                    count++;
                }

                Console.WriteLine($"{harness.Name}: {count} seeds in {args[2]}");
                return 0;
            case "replay" when args.Length >= 3:
                return Replay(harness, args[2..]);
            default:
                Console.Error.WriteLine($"unknown mode {args[1]}");
                return 2;
        }
    }

    private static int Replay(IHarness harness, string[] paths)
    {
        harness.Initialize();
        IEnumerable<string> files = paths.SelectMany<string, string>(p => Directory.Exists(p)
            ? Directory.EnumerateFiles(p).Where(f => !Path.GetFileName(f).Equals("README.txt", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            : [p]);
        int failures = 0;
        int total = 0;
        foreach (string file in files)
        {
            total++;
            byte[] input = File.ReadAllBytes(file);
            try
            {
                AllocationGuard.Run(input.Length, () => harness.Execute(input), harness is HostPipelineHarness);
            }
#pragma warning disable CA1031 // Replay reports every escaping exception: that is its purpose.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failures++;
                Console.WriteLine($"FAIL {file}: {exception.GetType().FullName}: {exception.Message}");
                Console.WriteLine(exception.StackTrace);
            }
        }

        Console.WriteLine($"{harness.Name}: replayed {total} inputs, {failures} failed");
        return failures == 0 ? 0 : 1;
    }
}
