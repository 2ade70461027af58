namespace BlindAI.Fuzzing.Harnesses;

/// <summary>
/// Proves the set-up can see findings at all: inputs starting with <c>BUG</c> throw, with <c>BIG</c> allocate far more
/// than <see cref="AllocationGuard"/> allows, and with <c>HNG</c> never return. The seeds are one bit away from each.
/// <c>fuzz/run.sh selftest --seconds 120</c> must report crashes and hangs; the real harnesses' zero counts mean
/// something only because this one is not zero.
/// </summary>
internal sealed class SelfTestHarness : IHarness
{
    public string Name => "selftest";

    public void Initialize()
    {
    }

    public void Execute(ReadOnlyMemory<byte> input)
    {
        ReadOnlySpan<byte> data = input.Span;
        if (data.StartsWith("BUG"u8))
        {
            throw new InvalidOperationException("self-test crash");
        }

        if (data.StartsWith("BIG"u8))
        {
            GC.KeepAlive(new byte[64 << 20]);
        }

        if (data.StartsWith("HNG"u8))
        {
            Thread.Sleep(Timeout.Infinite);
        }
    }

    public IEnumerable<(string Name, byte[] Data)> Seeds(string testData)
    {
        yield return ("bug", "BUF"u8.ToArray());
        yield return ("big", "BIF"u8.ToArray());
        yield return ("hang", "HNF"u8.ToArray());
    }
}
