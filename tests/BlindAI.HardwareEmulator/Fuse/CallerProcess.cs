using System.Globalization;

namespace BlindAI.HardwareEmulator.Fuse;

/// <summary>
/// The process behind a FUSE request. The kernel names the calling thread; state that is per process (Gramine's
/// report data lives in each enclave process) is keyed by the thread group and its start time, so a recycled process
/// id never inherits a dead process's state.
/// </summary>
/// <param name="ProcessId">The thread group id.</param>
/// <param name="StartTicks">The process start time in clock ticks since boot (field 22 of <c>/proc/&lt;pid&gt;/stat</c>).</param>
internal readonly record struct CallerProcess(int ProcessId, ulong StartTicks)
{
    /// <summary>Resolves the process of <paramref name="threadId"/>; the thread itself when /proc cannot tell (it exited).</summary>
    public static CallerProcess Of(int threadId)
    {
        int processId = ThreadGroupOf(threadId) ?? threadId;
        return new CallerProcess(processId, StartTicksOf(processId) ?? 0);
    }

    /// <summary>Whether the process still runs (same id and start time).</summary>
    public bool IsAlive => StartTicksOf(ProcessId) == StartTicks;

    private static int? ThreadGroupOf(int threadId)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{threadId}/status"))
            {
                if (line.StartsWith("Tgid:", StringComparison.Ordinal))
                {
                    return int.Parse(line.AsSpan(5).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // The thread is gone: fall back to its id.
        }

        return null;
    }

    private static ulong? StartTicksOf(int processId)
    {
        try
        {
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count fields after the last ')'.
            string stat = File.ReadAllText($"/proc/{processId}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return ulong.Parse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
