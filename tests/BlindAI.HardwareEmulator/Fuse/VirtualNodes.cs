namespace BlindAI.HardwareEmulator.Fuse;

/// <summary>Who made a FUSE request: the header's thread id and credentials.</summary>
/// <param name="ThreadId">The calling thread's id (the kernel sends the thread's, not the process's).</param>
/// <param name="Uid">The caller's file-system user id.</param>
/// <param name="Gid">The caller's file-system group id.</param>
internal readonly record struct FuseCaller(int ThreadId, uint Uid, uint Gid);

/// <summary>A file or directory of the emulated tree. Node ids double as inode numbers and are never reused.</summary>
internal abstract class VirtualNode
{
    private static long s_nextNodeId = (long)FuseProtocol.RootNodeId;

    protected VirtualNode(string name, uint permissions, bool isRoot = false)
    {
        Name = name;
        Permissions = permissions;
        NodeId = isRoot ? FuseProtocol.RootNodeId : (ulong)Interlocked.Increment(ref s_nextNodeId);
    }

    public string Name { get; }

    /// <summary>The permission bits (for example 0444): checked on every open and access, for root too, as configfs does.</summary>
    public uint Permissions { get; }

    public ulong NodeId { get; }

    public VirtualDirectory? Parent { get; internal set; }

    /// <summary>How many lookups the kernel holds on this node (each entry reply adds one, FORGET takes them back).</summary>
    internal long LookupCount { get; set; }

    public bool CanRead => (Permissions & 0x124) != 0;

    public bool CanWrite => (Permissions & 0x92) != 0;
}

/// <summary>A directory: a fixed set of children, optionally a factory that makes <c>mkdir</c> work (configfs groups).</summary>
internal sealed class VirtualDirectory : VirtualNode
{
    private readonly List<VirtualNode> _children = [];

    public VirtualDirectory(string name, uint permissions = 0x1ED /* 0755 */, bool isRoot = false)
        : base(name, permissions, isRoot)
    {
    }

    /// <summary>
    /// Makes the directory a <c>mkdir</c> target: given the new name, returns the complete child directory with all its
    /// files, attached in one step so no caller can see it half made (configfs creates attributes atomically on mkdir).
    /// </summary>
    public Func<string, VirtualDirectory>? MakeChild { get; init; }

    /// <summary>Whether <c>rmdir</c> may remove this directory (entries made by <see cref="MakeChild"/>).</summary>
    public bool Removable { get; init; }

    /// <summary>Called once when <c>rmdir</c> removed the directory.</summary>
    public Action? Removed { get; init; }

    public IReadOnlyList<VirtualNode> Children => _children;

    public VirtualNode? Find(string name) => _children.Find(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    public T Add<T>(T child)
        where T : VirtualNode
    {
        if (Find(child.Name) is not null)
        {
            throw new InvalidOperationException($"{Name}/{child.Name} already exists.");
        }

        child.Parent = this;
        _children.Add(child);
        return child;
    }

    public void Remove(VirtualNode child)
    {
        _children.Remove(child);
        child.Parent = null;
    }
}

/// <summary>What opening a file produced: a handle, or an errno.</summary>
/// <param name="Handle">The open file, or <see langword="null"/> on error.</param>
/// <param name="Error">0, or the errno to answer.</param>
internal readonly record struct OpenResult(OpenFile? Handle, int Error)
{
    public static OpenResult Of(OpenFile handle) => new(handle, 0);

    public static OpenResult Fail(int errno) => new(null, errno);
}

/// <summary>A regular file whose behaviour is decided at open: each open gets its own <see cref="OpenFile"/>.</summary>
/// <param name="name">The file name.</param>
/// <param name="permissions">Permission bits.</param>
/// <param name="open">Makes the handle for a caller opening with the given access mode (0 read, 1 write, 2 both).</param>
/// <param name="size">The size stat reports: 0 for pseudo-files (their length is known only once read, as in Gramine and configfs).</param>
internal sealed class VirtualFile(string name, uint permissions, Func<FuseCaller, int, OpenResult> open, long size = 0)
    : VirtualNode(name, permissions)
{
    public long Size { get; } = size;

    public OpenResult Open(FuseCaller caller, int accessMode) => open(caller, accessMode);

    /// <summary>A read-only file with fixed content (the PEM files the emulator publishes).</summary>
    public static VirtualFile Static(string name, byte[] content) =>
        new(name, 0x124 /* 0444 */, (_, _) => OpenResult.Of(new ContentHandle(content)), content.Length);
}

/// <summary>An open file. Every method runs on the FUSE request thread; none may block on another FUSE request.</summary>
internal abstract class OpenFile
{
    /// <summary>Reads at <paramref name="offset"/>; returns 0 or an errno.</summary>
    public abstract int Read(long offset, int size, out ReadOnlyMemory<byte> data);

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/>; returns 0 or an errno.</summary>
    public virtual int Write(FuseCaller caller, long offset, ReadOnlySpan<byte> data, out int written)
    {
        written = 0;
        return Errno.EBADF;
    }

    /// <summary>
    /// A <c>close()</c> of a descriptor of this file. FLUSH is synchronous while RELEASE reaches the server after
    /// <c>close()</c> returned, so work the caller must see completed on return (configfs's store of a binary
    /// attribute) happens here.
    /// </summary>
    public virtual int Flush() => 0;

    /// <summary>The last descriptor is gone.</summary>
    public virtual void Release()
    {
    }

    /// <summary>Serves <paramref name="content"/> from <paramref name="offset"/>: the shared tail of every read.</summary>
    protected static ReadOnlyMemory<byte> Slice(ReadOnlyMemory<byte> content, long offset, int size) =>
        offset >= content.Length ? ReadOnlyMemory<byte>.Empty : content.Slice((int)offset, (int)Math.Min(size, content.Length - offset));
}

/// <summary>A handle over content fixed when the file was opened.</summary>
internal sealed class ContentHandle(ReadOnlyMemory<byte> content) : OpenFile
{
    public override int Read(long offset, int size, out ReadOnlyMemory<byte> data)
    {
        data = Slice(content, offset, size);
        return 0;
    }
}

/// <summary>
/// A handle whose content is produced at the first read and kept for the life of the handle, as a configfs attribute
/// fills its buffer on the first read of a descriptor.
/// </summary>
internal sealed class FillOnFirstReadHandle(Func<(byte[]? Content, int Error)> fill) : OpenFile
{
    private byte[]? _content;

    public override int Read(long offset, int size, out ReadOnlyMemory<byte> data)
    {
        data = ReadOnlyMemory<byte>.Empty;
        if (_content is null)
        {
            (byte[]? content, int error) = fill();
            if (error != 0)
            {
                return error;
            }

            _content = content ?? [];
        }

        data = Slice(_content, offset, size);
        return 0;
    }
}
