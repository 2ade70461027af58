using System.Runtime.CompilerServices;

namespace BlindAI.SampleHost.Tests.Support;

/// <summary>
/// Many in-process hosts run at once in this assembly (xunit runs test classes in parallel), and each engine runs
/// ONNX Runtime synchronously on a thread-pool thread. On a two-core machine that starves the pool: a request meant to
/// arrive while a slow run is in flight is only read after it ends (seen in CI as "waited 12 s for a run to queue").
/// A production host runs one engine, whose run limit keeps it to a few blocked threads; the tests need more headroom.
/// </summary>
internal static class ThreadPoolHeadroom
{
    [ModuleInitializer]
    internal static void Raise()
    {
        ThreadPool.GetMinThreads(out int workers, out int completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), completionPorts);
    }
}
