using Microsoft.Extensions.Logging;

namespace BlindAI.HardwareEmulator;

/// <summary>The emulator's log messages. Report data, quotes and keys are never logged: only sizes and names.</summary>
internal static partial class EmulatorLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Mounted the emulator on {MountPoint}")]
    public static partial void Mounted(ILogger logger, string mountPoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "FUSE INIT on {MountPoint}: kernel {Major}.{KernelMinor}, speaking 7.{AgreedMinor}")]
    public static partial void Initialized(ILogger logger, string mountPoint, uint major, uint kernelMinor, uint agreedMinor);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Unmounted {MountPoint}")]
    public static partial void Unmounted(ILogger logger, string mountPoint);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Removed a stale emulator mount on {MountPoint} (a previous run died without unmounting)")]
    public static partial void StaleMountRemoved(ILogger logger, string mountPoint);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Unmounting {MountPoint} failed: {Reason}")]
    public static partial void UnmountFailed(ILogger logger, string mountPoint, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "The FUSE device of {MountPoint} failed: {Reason}; the file system stops answering")]
    public static partial void DeviceFailed(ILogger logger, string mountPoint, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "FUSE {Opcode} on node {NodeId} failed; answered EIO")]
    public static partial void RequestFailed(ILogger logger, string opcode, ulong nodeId, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "The kernel refused the reply to FUSE request {Unique}: {Reason}")]
    public static partial void ReplyFailed(ILogger logger, ulong unique, string reason);

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug, Message = "mkdir {Name}")]
    public static partial void DirectoryMade(ILogger logger, string name);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "rmdir {Name}")]
    public static partial void DirectoryRemoved(ILogger logger, string name);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Served a {Interface} quote of {Length} bytes (process {ProcessId}; 0 when configfs does not tell)")]
    public static partial void QuoteServed(ILogger logger, string @interface, int processId, int length);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "Making a {Interface} quote failed")]
    public static partial void QuoteFailed(ILogger logger, string @interface, Exception exception);

    [LoggerMessage(EventId = 13, Level = LogLevel.Error, Message = "The quote is {Length} bytes, more than Gramine's {Limit}: the open fails")]
    public static partial void QuoteTooLarge(ILogger logger, int length, int limit);

    [LoggerMessage(EventId = 14, Level = LogLevel.Information, Message = "PCS {Method} {PathAndQuery} {Status}")]
    public static partial void PcsRequest(ILogger logger, string method, string pathAndQuery, int status);
}
