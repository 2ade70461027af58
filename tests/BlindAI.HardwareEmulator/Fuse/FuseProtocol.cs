namespace BlindAI.HardwareEmulator.Fuse;

/// <summary>
/// Numbers and sizes of the FUSE kernel protocol, major version 7, from the kernel's include/uapi/linux/fuse.h.
/// Structures are read and written field by field at these offsets (all little-endian on x86-64).
/// </summary>
internal static class FuseProtocol
{
    public const uint KernelMajor = 7;

    /// <summary>
    /// The highest minor version this server speaks: every structure it reads or writes has its 7.31 size, and nothing
    /// after 7.31 (submounts, security contexts, passthrough) is used. The kernel uses the smaller of its minor and this.
    /// </summary>
    public const uint HighestMinor = 31;

    public const ulong RootNodeId = 1;

    public const int InHeaderSize = 40;
    public const int OutHeaderSize = 16;
    public const int AttrSize = 88;
    public const int EntryOutSize = 40 + AttrSize;
    public const int AttrOutSize = 16 + AttrSize;
    public const int OpenOutSize = 16;
    public const int WriteOutSize = 8;
    public const int InitOutSize = 64;
    public const int StatfsOutSize = 80;
    public const int WriteInSize = 40;
    public const int DirentHeaderSize = 24;

    /// <summary>The largest WRITE payload the server accepts; the read buffer holds it plus the request headers.</summary>
    public const int MaxWrite = 128 * 1024;

    public const int ReadBufferSize = MaxWrite + (64 * 1024);

    public const uint OpenDirectIo = 1 << 0;

    public const uint InitBigWrites = 1 << 5;

    public const uint SetAttrMode = 1 << 0;
    public const uint SetAttrUid = 1 << 1;
    public const uint SetAttrGid = 1 << 2;
    public const uint SetAttrSize = 1 << 3;

    public const int AccessWrite = 2;
    public const int AccessRead = 4;

    public const int OpenAccessModeMask = 3;
    public const int OpenReadOnly = 0;
    public const int OpenWriteOnly = 1;

    public const uint ModeDirectory = 0x4000;
    public const uint ModeRegular = 0x8000;
}

/// <summary>FUSE request opcodes (enum fuse_opcode).</summary>
internal enum FuseOpcode : uint
{
    Lookup = 1,
    Forget = 2,
    GetAttr = 3,
    SetAttr = 4,
    ReadLink = 5,
    SymLink = 6,
    MkNod = 8,
    MkDir = 9,
    Unlink = 10,
    RmDir = 11,
    Rename = 12,
    Link = 13,
    Open = 14,
    Read = 15,
    Write = 16,
    StatFs = 17,
    Release = 18,
    FSync = 20,
    SetXAttr = 21,
    GetXAttr = 22,
    ListXAttr = 23,
    RemoveXAttr = 24,
    Flush = 25,
    Init = 26,
    OpenDir = 27,
    ReadDir = 28,
    ReleaseDir = 29,
    FSyncDir = 30,
    Access = 34,
    Create = 35,
    Interrupt = 36,
    Destroy = 38,
    BatchForget = 42,
    ReadDirPlus = 44,
    Rename2 = 45,
}
