using System.Runtime.InteropServices;

namespace BlindAI.Enclave.Tests.Support;

/// <summary>Named pipes, to mimic pseudo-files whose reads block until the "kernel" produces the content.</summary>
internal static partial class Fifo
{
    public static void Create(string path)
    {
        if (mkfifo(path, Convert.ToUInt32("600", 8)) != 0)
        {
            throw new InvalidOperationException($"mkfifo {path} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
}
