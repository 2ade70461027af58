using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace BlindAI.HardwareEmulator.Fuse;

/// <summary>
/// A FUSE file system served straight over <c>/dev/fuse</c>: mounts a <see cref="VirtualDirectory"/> tree and answers
/// the kernel's requests on one dedicated thread, so requests are handled one at a time in the order the kernel sent
/// them. No libfuse: the kernel protocol (include/uapi/linux/fuse.h, version 7.31) is read and written here.
/// </summary>
internal sealed unsafe class FuseSession : IDisposable
{
    /// <summary>The file-system type in <c>/proc/self/mountinfo</c>; stale mounts of this type (and only it) are removed.</summary>
    public const string FileSystemType = "fuse.blindai-emulator";

    private static readonly TimeSpan AttributeValidity = TimeSpan.FromSeconds(1);

    private readonly string _mountPoint;
    private readonly ILogger _logger;
    private readonly int _device;
    private readonly Dictionary<ulong, VirtualNode> _known = [];
    private readonly Dictionary<ulong, OpenFile> _handles = [];
    private readonly TaskCompletionSource _initialized = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;
    private readonly byte[] _reply = GC.AllocateArray<byte>(FuseProtocol.ReadBufferSize, pinned: true);
    private readonly ulong _mountTime;
    private ulong _nextHandle = 1;
    private volatile bool _stopping;
    private bool _mounted;

    private FuseSession(string mountPoint, VirtualDirectory root, ILogger logger, int device, TimeProvider time)
    {
        _mountPoint = mountPoint;
        _mountTime = (ulong)time.GetUtcNow().ToUnixTimeSeconds();
        _logger = logger;
        _device = device;
        _known[FuseProtocol.RootNodeId] = root;
        _thread = new Thread(Run) { IsBackground = true, Name = "FUSE " + mountPoint };
    }

    /// <summary>Completes once the kernel's INIT is answered: from then on the mount answers requests.</summary>
    public Task Initialized => _initialized.Task;

    /// <summary>Mounts <paramref name="root"/> on <paramref name="mountPoint"/> and starts serving it; every node's times are the mount time.</summary>
    /// <exception cref="IOException">/dev/fuse cannot be opened or the mount is refused (not root, no CAP_SYS_ADMIN, no FUSE).</exception>
    public static FuseSession Mount(string mountPoint, VirtualDirectory root, ILogger logger, TimeProvider time)
    {
        // Close-on-exec: a child process (a test's probe, a host) must not inherit the device and keep the mount alive.
        int device = LibC.Open("/dev/fuse", LibC.ReadWrite | LibC.NonBlocking | LibC.CloseOnExec);
        if (device < 0)
        {
            throw new IOException($"Cannot open /dev/fuse: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}. The emulator needs root and the FUSE module.");
        }

        var session = new FuseSession(mountPoint, root, logger, device, time);
        string options = $"fd={device},rootmode=40000,user_id={LibC.GetEffectiveUserId()},group_id={LibC.GetEffectiveGroupId()},allow_other";
        if (LibC.Mount("blindai-emulator", mountPoint, FileSystemType, LibC.MountNoSetUid | LibC.MountNoDevices, options) != 0)
        {
            string reason = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
            session.Dispose();
            throw new IOException($"Cannot mount the emulator on {mountPoint}: {reason}. The emulator needs root (CAP_SYS_ADMIN) and /dev/fuse.");
        }

        // Only now: before the mount, reading the device fails with EPERM. The kernel's INIT is already queued.
        session._mounted = true;
        session._thread.Start();
        EmulatorLog.Mounted(logger, mountPoint);
        return session;
    }

    /// <summary>Removes a mount of the emulator's type left on <paramref name="mountPoint"/> by a process that died.</summary>
    /// <returns>How many stale mounts were removed.</returns>
    /// <exception cref="IOException">
    /// Something else is mounted there, an emulator still serves the mount (it answers), or the unmount failed.
    /// </exception>
    public static int RemoveStaleMounts(string mountPoint, ILogger logger)
    {
        int removed = 0;
        while (MountTable.TypesMountedOn(mountPoint) is { Count: > 0 } types)
        {
            string top = types[^1];
            if (!string.Equals(top, FileSystemType, StringComparison.Ordinal))
            {
                throw new IOException($"{mountPoint} is a mount point of {top}, not of a previous emulator: refusing to unmount it.");
            }

            // A dead server's mount answers ENOTCONN at once; a live emulator answers: it is not ours to take away.
            if (!IsAbandoned(mountPoint))
            {
                throw new IOException($"{mountPoint} is served by a running emulator: stop it first.");
            }

            if (LibC.Unmount(mountPoint, LibC.UnmountDetach) != 0)
            {
                throw new IOException($"Cannot unmount the stale emulator mount on {mountPoint}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
            }

            EmulatorLog.StaleMountRemoved(logger, mountPoint);
            removed++;
        }

        return removed;
    }

    private static bool IsAbandoned(string mountPoint)
    {
        Task<bool> probe = Task.Run(() =>
        {
            try
            {
                _ = Directory.EnumerateFileSystemEntries(mountPoint).Any();
                return false;
            }
            catch (IOException e) when ((e.HResult & 0xFFFF) == Errno.ENOTCONN)
            {
                return true;
            }
        });

        // A server that neither answers nor is gone (stopped, hung) is treated as alive: never unmount under it.
        return probe.Wait(TimeSpan.FromSeconds(5)) && probe.Result;
    }

    /// <summary>Unmounts (lazily: descriptors still open keep working until closed), stops the request thread, closes the device.</summary>
    public void Dispose()
    {
        if (_mounted)
        {
            _mounted = false;
            if (LibC.Unmount(_mountPoint, LibC.UnmountDetach) != 0)
            {
                EmulatorLog.UnmountFailed(_logger, _mountPoint, Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
            }
            else
            {
                EmulatorLog.Unmounted(_logger, _mountPoint);
            }
        }

        _stopping = true;
        if (_thread.IsAlive && Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        // Closing the device ends the connection: anything still open under a detached mount now gets ENOTCONN.
        LibC.Close(_device);
        _initialized.TrySetException(new IOException($"The FUSE session on {_mountPoint} ended before the kernel's INIT."));
    }

    private void Run()
    {
        byte[] request = GC.AllocateArray<byte>(FuseProtocol.ReadBufferSize, pinned: true);
        fixed (byte* buffer = request)
        {
            var poll = new LibC.PollDescriptor { Descriptor = _device, Events = LibC.PollIn };
            while (!_stopping)
            {
                // Poll with a timeout so a stop request is noticed even when the kernel sends nothing.
                int ready = LibC.Poll(&poll, 1, 100);
                if (ready <= 0)
                {
                    if (ready < 0 && Marshal.GetLastPInvokeError() != Errno.EINTR)
                    {
                        EmulatorLog.DeviceFailed(_logger, _mountPoint, Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
                        return;
                    }

                    continue;
                }

                nint length = LibC.Read(_device, buffer, (nuint)request.Length);
                if (length < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();

                    // EAGAIN: another wake-up; ENOENT: the request was interrupted before we read it; EINTR: a signal.
                    if (errno is Errno.EAGAIN or Errno.ENOENT or Errno.EINTR)
                    {
                        continue;
                    }

                    // ENODEV: the file system was unmounted and the connection is over.
                    if (errno != Errno.ENODEV)
                    {
                        EmulatorLog.DeviceFailed(_logger, _mountPoint, Marshal.GetPInvokeErrorMessage(errno));
                    }

                    return;
                }

                Handle(request.AsSpan(0, (int)length));
            }
        }
    }

    private void Handle(ReadOnlySpan<byte> message)
    {
        if (message.Length < FuseProtocol.InHeaderSize)
        {
            return;
        }

        var opcode = (FuseOpcode)BinaryPrimitives.ReadUInt32LittleEndian(message[4..]);
        ulong unique = BinaryPrimitives.ReadUInt64LittleEndian(message[8..]);
        ulong nodeId = BinaryPrimitives.ReadUInt64LittleEndian(message[16..]);
        var caller = new FuseCaller(
            (int)BinaryPrimitives.ReadUInt32LittleEndian(message[32..]),
            BinaryPrimitives.ReadUInt32LittleEndian(message[24..]),
            BinaryPrimitives.ReadUInt32LittleEndian(message[28..]));
        ReadOnlySpan<byte> body = message[FuseProtocol.InHeaderSize..];

        try
        {
            Dispatch(opcode, unique, nodeId, caller, body);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A fault in one handler answers that request with EIO; the file system keeps serving.
            EmulatorLog.RequestFailed(_logger, opcode.ToString(), nodeId, e);
            ReplyError(unique, Errno.EIO);
        }
    }

    private void Dispatch(FuseOpcode opcode, ulong unique, ulong nodeId, FuseCaller caller, ReadOnlySpan<byte> body)
    {
        switch (opcode)
        {
            case FuseOpcode.Init:
                Init(unique, body);
                return;
            case FuseOpcode.Forget:
                Forget(nodeId, BinaryPrimitives.ReadUInt64LittleEndian(body));
                return; // FORGET has no reply.
            case FuseOpcode.BatchForget:
                BatchForget(body);
                return;
            case FuseOpcode.Interrupt:
                // Every request is answered before the next is read, so the interrupted one is already done: no reply.
                return;
            case FuseOpcode.Destroy:
                ReplyEmpty(unique);
                return;
            case FuseOpcode.Lookup:
                Lookup(unique, nodeId, CString(body));
                return;
            case FuseOpcode.GetAttr:
                GetAttr(unique, nodeId);
                return;
            case FuseOpcode.SetAttr:
                SetAttr(unique, nodeId, body);
                return;
            case FuseOpcode.Access:
                Access(unique, nodeId, (int)BinaryPrimitives.ReadUInt32LittleEndian(body));
                return;
            case FuseOpcode.OpenDir:
                OpenDirectory(unique, nodeId);
                return;
            case FuseOpcode.ReadDir:
                ReadDirectory(unique, nodeId, body);
                return;
            case FuseOpcode.ReleaseDir:
            case FuseOpcode.FSyncDir:
            case FuseOpcode.FSync:
                ReplyEmpty(unique);
                return;
            case FuseOpcode.Open:
                Open(unique, nodeId, caller, (int)BinaryPrimitives.ReadUInt32LittleEndian(body));
                return;
            case FuseOpcode.Read:
                Read(unique, body);
                return;
            case FuseOpcode.Write:
                Write(unique, caller, body);
                return;
            case FuseOpcode.Flush:
                Flush(unique, BinaryPrimitives.ReadUInt64LittleEndian(body));
                return;
            case FuseOpcode.Release:
                Release(unique, BinaryPrimitives.ReadUInt64LittleEndian(body));
                return;
            case FuseOpcode.MkDir:
                MakeDirectory(unique, nodeId, CString(body[8..]));
                return;
            case FuseOpcode.RmDir:
                RemoveDirectory(unique, nodeId, CString(body));
                return;
            case FuseOpcode.StatFs:
                StatFs(unique);
                return;
            case FuseOpcode.Create:
            case FuseOpcode.MkNod:
                // Neither Gramine's pseudo-file system nor configfs lets a process create a file (the VFS says EACCES).
                ReplyError(unique, Errno.EACCES);
                return;
            case FuseOpcode.Unlink:
            case FuseOpcode.Rename:
            case FuseOpcode.Rename2:
            case FuseOpcode.Link:
            case FuseOpcode.SymLink:
                ReplyError(unique, Errno.EPERM);
                return;
            default:
                // GETXATTR, LISTXATTR and the rest: not supported (the kernel then stops asking).
                ReplyError(unique, Errno.ENOSYS);
                return;
        }
    }

    private void Init(ulong unique, ReadOnlySpan<byte> body)
    {
        uint major = BinaryPrimitives.ReadUInt32LittleEndian(body);
        uint minor = BinaryPrimitives.ReadUInt32LittleEndian(body[4..]);
        uint maxReadahead = BinaryPrimitives.ReadUInt32LittleEndian(body[8..]);
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(body[12..]);

        Span<byte> reply = stackalloc byte[FuseProtocol.InitOutSize];
        reply.Clear();
        if (major > FuseProtocol.KernelMajor)
        {
            // The protocol: answer with our major only; the kernel then sends a new INIT for it.
            BinaryPrimitives.WriteUInt32LittleEndian(reply, FuseProtocol.KernelMajor);
            Reply(unique, reply[..8]);
            return;
        }

        if (major < FuseProtocol.KernelMajor)
        {
            ReplyError(unique, Errno.EPROTO);
            _initialized.TrySetException(new IOException($"The kernel speaks FUSE {major}.{minor}; the emulator needs 7.x."));
            return;
        }

        uint agreedMinor = Math.Min(minor, FuseProtocol.HighestMinor);
        BinaryPrimitives.WriteUInt32LittleEndian(reply, FuseProtocol.KernelMajor);
        BinaryPrimitives.WriteUInt32LittleEndian(reply[4..], agreedMinor);
        BinaryPrimitives.WriteUInt32LittleEndian(reply[8..], maxReadahead);
        BinaryPrimitives.WriteUInt32LittleEndian(reply[12..], flags & FuseProtocol.InitBigWrites);
        BinaryPrimitives.WriteUInt16LittleEndian(reply[16..], 16); // max_background
        BinaryPrimitives.WriteUInt16LittleEndian(reply[18..], 12); // congestion_threshold
        BinaryPrimitives.WriteUInt32LittleEndian(reply[20..], FuseProtocol.MaxWrite);
        BinaryPrimitives.WriteUInt32LittleEndian(reply[24..], 1); // time_gran: nanoseconds
        Reply(unique, reply);
        EmulatorLog.Initialized(_logger, _mountPoint, major, minor, agreedMinor);
        _initialized.TrySetResult();
    }

    private void Forget(ulong nodeId, ulong count)
    {
        if (nodeId == FuseProtocol.RootNodeId || !_known.TryGetValue(nodeId, out VirtualNode? node))
        {
            return;
        }

        node.LookupCount -= (long)count;
        if (node.LookupCount <= 0)
        {
            node.LookupCount = 0;
            _known.Remove(nodeId);
        }
    }

    private void BatchForget(ReadOnlySpan<byte> body)
    {
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(body);
        for (int i = 0; i < count && 8 + (16 * (i + 1)) <= body.Length; i++)
        {
            ReadOnlySpan<byte> one = body.Slice(8 + (16 * i), 16);
            Forget(BinaryPrimitives.ReadUInt64LittleEndian(one), BinaryPrimitives.ReadUInt64LittleEndian(one[8..]));
        }
    }

    private void Lookup(ulong unique, ulong parentId, string name)
    {
        if (!TryDirectory(parentId, out VirtualDirectory? parent, out int error))
        {
            ReplyError(unique, error);
            return;
        }

        VirtualNode? child = name switch
        {
            "." => parent,
            ".." => parent.Parent ?? parent,
            _ => parent.Find(name),
        };
        if (child is null)
        {
            ReplyError(unique, Errno.ENOENT);
            return;
        }

        ReplyEntry(unique, child);
    }

    private void GetAttr(ulong unique, ulong nodeId)
    {
        if (!_known.TryGetValue(nodeId, out VirtualNode? node))
        {
            ReplyError(unique, Errno.ENOENT);
            return;
        }

        ReplyAttr(unique, node);
    }

    private void SetAttr(ulong unique, ulong nodeId, ReadOnlySpan<byte> body)
    {
        if (!_known.TryGetValue(nodeId, out VirtualNode? node))
        {
            ReplyError(unique, Errno.ENOENT);
            return;
        }

        uint valid = BinaryPrimitives.ReadUInt32LittleEndian(body);
        if ((valid & (FuseProtocol.SetAttrMode | FuseProtocol.SetAttrUid | FuseProtocol.SetAttrGid)) != 0)
        {
            ReplyError(unique, Errno.EPERM);
            return;
        }

        // O_TRUNC arrives as a size change after OPEN. Pseudo-files have no stored content to cut, so a writable one
        // accepts it as Gramine's and configfs's do; a read-only one refuses. Time changes are accepted and ignored.
        if ((valid & FuseProtocol.SetAttrSize) != 0 && (node is not VirtualFile || !node.CanWrite))
        {
            ReplyError(unique, node is VirtualDirectory ? Errno.EISDIR : Errno.EACCES);
            return;
        }

        ReplyAttr(unique, node);
    }

    private void Access(ulong unique, ulong nodeId, int mask)
    {
        if (!_known.TryGetValue(nodeId, out VirtualNode? node))
        {
            ReplyError(unique, Errno.ENOENT);
            return;
        }

        bool denied = ((mask & FuseProtocol.AccessRead) != 0 && !node.CanRead)
            || ((mask & FuseProtocol.AccessWrite) != 0 && !node.CanWrite)
            || ((mask & 1) != 0 && node is VirtualFile);
        if (denied)
        {
            ReplyError(unique, Errno.EACCES);
        }
        else
        {
            ReplyEmpty(unique);
        }
    }

    private void OpenDirectory(ulong unique, ulong nodeId)
    {
        if (!TryDirectory(nodeId, out _, out int error))
        {
            ReplyError(unique, error);
            return;
        }

        Span<byte> reply = stackalloc byte[FuseProtocol.OpenOutSize];
        reply.Clear();
        Reply(unique, reply);
    }

    private void ReadDirectory(ulong unique, ulong nodeId, ReadOnlySpan<byte> body)
    {
        if (!TryDirectory(nodeId, out VirtualDirectory? directory, out int error))
        {
            ReplyError(unique, error);
            return;
        }

        long offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(body[8..]);
        int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[16..]);
        var entries = new List<(ulong Ino, uint Type, string Name)>
        {
            (directory.NodeId, 4, "."),
            ((directory.Parent ?? directory).NodeId, 4, ".."),
        };
        entries.AddRange(directory.Children.Select(c => (c.NodeId, c is VirtualDirectory ? 4u : 8u, c.Name)));

        // Each dirent's "off" is the offset of the next one: the kernel sends it back to continue a listing.
        Span<byte> reply = _reply.AsSpan(FuseProtocol.OutHeaderSize, Math.Min(size, _reply.Length - FuseProtocol.OutHeaderSize));
        int used = 0;
        for (int i = (int)offset; i < entries.Count; i++)
        {
            byte[] name = Encoding.UTF8.GetBytes(entries[i].Name);
            int entrySize = (FuseProtocol.DirentHeaderSize + name.Length + 7) & ~7;
            if (used + entrySize > reply.Length)
            {
                break;
            }

            Span<byte> dirent = reply.Slice(used, entrySize);
            dirent.Clear();
            BinaryPrimitives.WriteUInt64LittleEndian(dirent, entries[i].Ino);
            BinaryPrimitives.WriteUInt64LittleEndian(dirent[8..], (ulong)(i + 1));
            BinaryPrimitives.WriteUInt32LittleEndian(dirent[16..], (uint)name.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(dirent[20..], entries[i].Type);
            name.CopyTo(dirent[FuseProtocol.DirentHeaderSize..]);
            used += entrySize;
        }

        SendPrepared(unique, used);
    }

    private void Open(ulong unique, ulong nodeId, FuseCaller caller, int flags)
    {
        if (!_known.TryGetValue(nodeId, out VirtualNode? node))
        {
            ReplyError(unique, Errno.ENOENT);
            return;
        }

        if (node is not VirtualFile file)
        {
            ReplyError(unique, Errno.EISDIR);
            return;
        }

        // The permission bits bind root too: configfs refuses a write open of a read-only attribute for everyone.
        int accessMode = flags & FuseProtocol.OpenAccessModeMask;
        bool wantsRead = accessMode != FuseProtocol.OpenWriteOnly;
        bool wantsWrite = accessMode != FuseProtocol.OpenReadOnly;
        if ((wantsRead && !file.CanRead) || (wantsWrite && !file.CanWrite))
        {
            ReplyError(unique, Errno.EACCES);
            return;
        }

        OpenResult opened = file.Open(caller, accessMode);
        if (opened.Handle is null)
        {
            ReplyError(unique, opened.Error);
            return;
        }

        ulong handle = _nextHandle++;
        _handles[handle] = opened.Handle;
        Span<byte> reply = stackalloc byte[FuseProtocol.OpenOutSize];
        reply.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(reply, handle);

        // Direct I/O: every read reaches the emulator (no page cache), whatever size stat reported.
        BinaryPrimitives.WriteUInt32LittleEndian(reply[8..], FuseProtocol.OpenDirectIo);
        Reply(unique, reply);
    }

    private void Read(ulong unique, ReadOnlySpan<byte> body)
    {
        ulong handle = BinaryPrimitives.ReadUInt64LittleEndian(body);
        long offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(body[8..]);
        int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[16..]);
        if (!_handles.TryGetValue(handle, out OpenFile? file))
        {
            ReplyError(unique, Errno.EBADF);
            return;
        }

        int error = file.Read(offset, size, out ReadOnlyMemory<byte> data);
        if (error != 0)
        {
            ReplyError(unique, error);
            return;
        }

        int length = Math.Min(Math.Min(data.Length, size), _reply.Length - FuseProtocol.OutHeaderSize);
        data.Span[..length].CopyTo(_reply.AsSpan(FuseProtocol.OutHeaderSize));
        SendPrepared(unique, length);
    }

    private void Write(ulong unique, FuseCaller caller, ReadOnlySpan<byte> body)
    {
        ulong handle = BinaryPrimitives.ReadUInt64LittleEndian(body);
        long offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(body[8..]);
        int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[16..]);
        if (!_handles.TryGetValue(handle, out OpenFile? file))
        {
            ReplyError(unique, Errno.EBADF);
            return;
        }

        ReadOnlySpan<byte> data = body.Slice(FuseProtocol.WriteInSize, Math.Min(size, body.Length - FuseProtocol.WriteInSize));
        int error = file.Write(caller, offset, data, out int written);
        if (error != 0)
        {
            ReplyError(unique, error);
            return;
        }

        Span<byte> reply = stackalloc byte[FuseProtocol.WriteOutSize];
        reply.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(reply, (uint)written);
        Reply(unique, reply);
    }

    private void Flush(ulong unique, ulong handle)
    {
        int error = _handles.TryGetValue(handle, out OpenFile? file) ? file.Flush() : Errno.EBADF;
        if (error != 0)
        {
            ReplyError(unique, error);
        }
        else
        {
            ReplyEmpty(unique);
        }
    }

    private void Release(ulong unique, ulong handle)
    {
        if (_handles.Remove(handle, out OpenFile? file))
        {
            file.Release();
        }

        ReplyEmpty(unique);
    }

    private void MakeDirectory(ulong unique, ulong parentId, string name)
    {
        if (!TryDirectory(parentId, out VirtualDirectory? parent, out int error))
        {
            ReplyError(unique, error);
            return;
        }

        if (parent.Find(name) is not null)
        {
            ReplyError(unique, Errno.EEXIST);
            return;
        }

        if (parent.MakeChild is null || name is "." or ".." || name.Contains('/', StringComparison.Ordinal))
        {
            ReplyError(unique, Errno.EPERM);
            return;
        }

        // The child arrives complete with its files and is attached in this one step, before the reply: the caller's
        // mkdir() returns only after that, so its next lookup finds every attribute.
        VirtualDirectory child = parent.Add(parent.MakeChild(name));
        EmulatorLog.DirectoryMade(_logger, name);
        ReplyEntry(unique, child);
    }

    private void RemoveDirectory(ulong unique, ulong parentId, string name)
    {
        if (!TryDirectory(parentId, out VirtualDirectory? parent, out int error))
        {
            ReplyError(unique, error);
            return;
        }

        switch (parent.Find(name))
        {
            case null:
                ReplyError(unique, Errno.ENOENT);
                return;
            case not VirtualDirectory:
                ReplyError(unique, Errno.ENOTDIR);
                return;
            case VirtualDirectory { Removable: false }:
                ReplyError(unique, Errno.EPERM);
                return;
            case VirtualDirectory child:
                // configfs removes an item with its attribute files: no emptiness check.
                parent.Remove(child);
                child.Removed?.Invoke();
                EmulatorLog.DirectoryRemoved(_logger, name);
                ReplyEmpty(unique);
                return;
        }
    }

    private void StatFs(ulong unique)
    {
        Span<byte> reply = stackalloc byte[FuseProtocol.StatfsOutSize];
        reply.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(reply[40..], 4096); // bsize
        BinaryPrimitives.WriteUInt32LittleEndian(reply[44..], 255); // namelen
        BinaryPrimitives.WriteUInt32LittleEndian(reply[48..], 4096); // frsize
        Reply(unique, reply);
    }

    private bool TryDirectory(ulong nodeId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out VirtualDirectory? directory, out int error)
    {
        directory = null;
        if (!_known.TryGetValue(nodeId, out VirtualNode? node))
        {
            error = Errno.ENOENT;
            return false;
        }

        directory = node as VirtualDirectory;
        error = directory is null ? Errno.ENOTDIR : 0;
        return directory is not null;
    }

    private void ReplyEntry(ulong unique, VirtualNode node)
    {
        // An entry reply is one more lookup the kernel holds, until it sends FORGET.
        node.LookupCount++;
        _known[node.NodeId] = node;

        Span<byte> reply = stackalloc byte[FuseProtocol.EntryOutSize];
        reply.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(reply, node.NodeId);
        BinaryPrimitives.WriteUInt64LittleEndian(reply[16..], (ulong)AttributeValidity.TotalSeconds); // entry_valid
        BinaryPrimitives.WriteUInt64LittleEndian(reply[24..], (ulong)AttributeValidity.TotalSeconds); // attr_valid
        WriteAttr(reply[40..], node);
        Reply(unique, reply);
    }

    private void ReplyAttr(ulong unique, VirtualNode node)
    {
        Span<byte> reply = stackalloc byte[FuseProtocol.AttrOutSize];
        reply.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(reply, (ulong)AttributeValidity.TotalSeconds);
        WriteAttr(reply[16..], node);
        Reply(unique, reply);
    }

    private void WriteAttr(Span<byte> attr, VirtualNode node)
    {
        (uint type, ulong size, uint links) = node switch
        {
            VirtualDirectory directory => (FuseProtocol.ModeDirectory, 0UL, 2u + (uint)directory.Children.Count(c => c is VirtualDirectory)),
            VirtualFile file => (FuseProtocol.ModeRegular, (ulong)file.Size, 1u),
            _ => (FuseProtocol.ModeRegular, 0UL, 1u),
        };
        BinaryPrimitives.WriteUInt64LittleEndian(attr, node.NodeId); // ino
        BinaryPrimitives.WriteUInt64LittleEndian(attr[8..], size);
        BinaryPrimitives.WriteUInt64LittleEndian(attr[16..], (size + 511) / 512); // blocks
        BinaryPrimitives.WriteUInt64LittleEndian(attr[24..], _mountTime); // atime
        BinaryPrimitives.WriteUInt64LittleEndian(attr[32..], _mountTime); // mtime
        BinaryPrimitives.WriteUInt64LittleEndian(attr[40..], _mountTime); // ctime
        BinaryPrimitives.WriteUInt32LittleEndian(attr[60..], type | node.Permissions);
        BinaryPrimitives.WriteUInt32LittleEndian(attr[64..], links);
        BinaryPrimitives.WriteUInt32LittleEndian(attr[68..], LibC.GetEffectiveUserId());
        BinaryPrimitives.WriteUInt32LittleEndian(attr[72..], LibC.GetEffectiveGroupId());
        BinaryPrimitives.WriteUInt32LittleEndian(attr[80..], 4096); // blksize
    }

    private void ReplyEmpty(ulong unique) => Reply(unique, []);

    private void ReplyError(ulong unique, int errno) => Send(unique, -errno, 0);

    private void Reply(ulong unique, ReadOnlySpan<byte> payload)
    {
        payload.CopyTo(_reply.AsSpan(FuseProtocol.OutHeaderSize));
        SendPrepared(unique, payload.Length);
    }

    /// <summary>Sends a reply whose payload is already in the reply buffer after the header.</summary>
    private void SendPrepared(ulong unique, int payloadLength) => Send(unique, 0, payloadLength);

    private void Send(ulong unique, int error, int payloadLength)
    {
        int length = FuseProtocol.OutHeaderSize + payloadLength;
        Span<byte> header = _reply.AsSpan(0, FuseProtocol.OutHeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)length);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], error);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], unique);
        fixed (byte* reply = _reply)
        {
            // ENOENT: the request was interrupted and the kernel no longer waits for it. Nothing else to do.
            if (LibC.Write(_device, reply, (nuint)length) < 0 && Marshal.GetLastPInvokeError() is int errno && errno != Errno.ENOENT)
            {
                EmulatorLog.ReplyFailed(_logger, unique, Marshal.GetPInvokeErrorMessage(errno));
            }
        }
    }

    private static string CString(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }
}
