namespace BlindAI.Fuzzing;

/// <summary>One fuzz target: a parser or pipeline fed attacker-controlled bytes.</summary>
internal interface IHarness
{
    /// <summary>The name used on the command line and in fuzz/run.sh.</summary>
    string Name { get; }

    /// <summary>One-time set-up before the first input (start a host, warm caches).</summary>
    void Initialize();

    /// <summary>
    /// Feeds one input. Returns normally when the input was accepted or rejected with the component's typed error;
    /// anything else escapes and is a finding.
    /// </summary>
    /// <param name="input">The fuzzer's bytes.</param>
    void Execute(ReadOnlyMemory<byte> input);

    /// <summary>Seed inputs derived from the real test vectors (and a few hand-made messages).</summary>
    /// <param name="testData">The shared test-data directory.</param>
    /// <returns>Named seeds.</returns>
    IEnumerable<(string Name, byte[] Data)> Seeds(string testData);
}
