namespace BlindAI.Fuzzing.Harnesses;

/// <summary>
/// Proves the set-up can see findings at all: inputs starting with <c>BUG</c> throw, with <c>BIG</c> allocate far more
/// than <see cref="AllocationGuard"/> allows. The seeds are one bit away from each. <c>fuzz/run.sh selftest</c> must
/// report crashes. (A hang cannot be saved: SharpFuzz's fork server is the target process itself, so afl-fuzz's
/// time-out kills it and the campaign aborts with "Unable to communicate with fork server", which run.sh reports as a
/// failure; that is how a hang shows.)
/// </summary>
internal sealed class SelfTestHarness : IHarness
{
    public string Name => "selftest";

    public void Initialize()
    {
    }

    public void Execute(ReadOnlyMemory<byte> input)
    {
        // Some instrumented code runs, or afl-fuzz refuses a target that reports no coverage at all.
        try
        {
            _ = BlindAI.Protocol.Cbor.MessageCodec.Default.DecodeErrorText(input);
        }
        catch (BlindAI.Protocol.ProtocolException)
        {
        }

        ReadOnlySpan<byte> data = input.Span;
        if (data.StartsWith("BUG"u8))
        {
            throw new InvalidOperationException("self-test crash");
        }

        if (data.StartsWith("BIG"u8))
        {
            GC.KeepAlive(new byte[64 << 20]);
        }
    }

    public IEnumerable<(string Name, byte[] Data)> Seeds(string testData)
    {
        yield return ("bug", "BUF"u8.ToArray());
        yield return ("big", "BIF"u8.ToArray());
    }
}
