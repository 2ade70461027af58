namespace BlindAI.Fuzzing;

/// <summary>
/// Turns "allocation driven by an attacker-chosen length" into a crash the fuzzer records: an input may make the code
/// under test allocate at most a fixed multiple of its own length plus a constant.
/// </summary>
internal static class AllocationGuard
{
    /// <summary>Bytes allowed per input byte (parsers copy, decode hex and base64, build objects).</summary>
    public const long BytesPerInputByte = 64;

    /// <summary>Constant allowance (caches, first-use statics, X.509 objects).</summary>
    public const long FixedAllowance = 1024 * 1024;

    /// <summary>Runs <paramref name="action"/> and throws when it allocated more than the bound on this thread.</summary>
    /// <param name="inputLength">Length of the fuzz input.</param>
    /// <param name="action">The call under test.</param>
    /// <param name="allThreads">
    /// Count every thread's allocations (the host pipeline runs on the thread pool); otherwise only this thread's.
    /// </param>
    /// <exception cref="AllocationBoundExceededException">The bound was exceeded.</exception>
    public static void Run(int inputLength, Action action, bool allThreads)
    {
        long limit = Limit(inputLength);
        long before = Allocated(allThreads);
        action();
        long allocated = Allocated(allThreads) - before;
        if (allocated > limit)
        {
            throw new AllocationBoundExceededException(inputLength, allocated, limit);
        }
    }

    private static long Allocated(bool allThreads) =>
        allThreads ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread();

    /// <summary>The allocation bound for an input of <paramref name="inputLength"/> bytes.</summary>
    /// <param name="inputLength">Length of the fuzz input.</param>
    /// <returns>The bound in bytes.</returns>
    public static long Limit(int inputLength) => (BytesPerInputByte * inputLength) + FixedAllowance;
}

/// <summary>An input made the code under test allocate more than <see cref="AllocationGuard"/> allows.</summary>
/// <param name="inputLength">Length of the input.</param>
/// <param name="allocated">Bytes allocated while handling it.</param>
/// <param name="limit">The bound.</param>
internal sealed class AllocationBoundExceededException(int inputLength, long allocated, long limit)
    : Exception($"An input of {inputLength} bytes allocated {allocated} bytes (bound {limit}).");
