using System.Globalization;
using System.Text;
using BlindAI.Enclave.Quoting;
using BlindAI.HardwareEmulator.Fuse;
using Microsoft.Extensions.Logging;

namespace BlindAI.HardwareEmulator.Tsm;

/// <summary>
/// Linux configfs-tsm (<c>/sys/kernel/config/tsm</c>) with the <c>tdx_guest</c> provider, as
/// drivers/virt/coco/guest/report.c, fs/configfs/file.c and tdx-guest.c behave:
/// <list type="bullet">
/// <item><c>report/</c> accepts <c>mkdir</c>; the new entry holds <c>inblob</c> (0200), <c>outblob</c>,
/// <c>generation</c> and <c>provider</c> (0444) from the moment <c>mkdir</c> returns (the attributes TDX shows).</item>
/// <item><c>inblob</c>: writes collect in the descriptor up to 64 bytes (beyond: EFBIG) and are stored when it is
/// closed; each store adds one to <c>generation</c>.</item>
/// <item><c>outblob</c>: the first read of a descriptor makes a TDX v4 quote over the stored inblob (EINVAL when none
/// was written or it is not 64 bytes, as tdx_report_new requires), reused until inblob changes.</item>
/// <item><c>generation</c> reads the count and a newline; <c>provider</c> reads <c>tdx_guest</c> and a newline.</item>
/// <item><c>rmdir report/&lt;name&gt;</c> removes the entry with its attributes; later reads through descriptors
/// still open answer ENOENT.</item>
/// </list>
/// </summary>
internal sealed class TsmReportTree
{
    public const string ReportDirectory = "report";
    public const string InblobFile = "inblob";
    public const string OutblobFile = "outblob";
    public const string GenerationFile = "generation";
    public const string ProviderFile = "provider";
    public const string ProviderName = "tdx_guest";

    /// <summary>TSM_REPORT_INBLOB_MAX.</summary>
    private const int InblobMax = 64;

    /// <summary>TSM_REPORT_OUTBLOB_MAX (32 KiB).</summary>
    private const int OutblobMax = 32 * 1024;

    private readonly EmulatedPlatform _platform;
    private readonly ILogger _logger;

    public TsmReportTree(EmulatedPlatform platform, IEnumerable<VirtualFile> extraFiles, ILogger logger)
    {
        _platform = platform;
        _logger = logger;
        Root = new VirtualDirectory("/", isRoot: true);
        Root.Add(new VirtualDirectory(ReportDirectory) { MakeChild = MakeEntry });
        foreach (VirtualFile file in extraFiles)
        {
            Root.Add(file);
        }
    }

    public VirtualDirectory Root { get; }

    private VirtualDirectory MakeEntry(string name)
    {
        var entry = new ReportEntry();
        var directory = new VirtualDirectory(name) { Removable = true, Removed = () => entry.Removed = true };
        directory.Add(new VirtualFile(InblobFile, 0x80 /* 0200 */, (_, _) => OpenResult.Of(new InblobHandle(entry))));
        directory.Add(new VirtualFile(OutblobFile, 0x124 /* 0444 */, (_, _) => OpenResult.Of(new FillOnFirstReadHandle(() => Outblob(entry)))));
        directory.Add(new VirtualFile(GenerationFile, 0x124, (_, _) => OpenResult.Of(new FillOnFirstReadHandle(() => Text(entry, entry.WriteGeneration.ToString(CultureInfo.InvariantCulture) + "\n")))));
        directory.Add(new VirtualFile(ProviderFile, 0x124, (_, _) => OpenResult.Of(new FillOnFirstReadHandle(() => Text(entry, ProviderName + "\n")))));
        return directory;
    }

    private static (byte[]?, int) Text(ReportEntry entry, string text) =>
        entry.Removed ? (null, Errno.ENOENT) : (Encoding.ASCII.GetBytes(text), 0);

    private (byte[]?, int) Outblob(ReportEntry entry)
    {
        if (entry.Removed)
        {
            return (null, Errno.ENOENT);
        }

        if (entry.Inblob is not { Length: > 0 } inblob)
        {
            return (null, Errno.EINVAL);
        }

        if (entry.Outblob is { } cached && entry.ReadGeneration == entry.WriteGeneration)
        {
            return (cached, 0);
        }

        // tdx_report_new: the TDREPORT takes exactly 64 bytes of report data.
        if (inblob.Length != IQuoteProvider.ReportDataLength)
        {
            return (null, Errno.EINVAL);
        }

        byte[] quote;
        try
        {
            quote = _platform.CreateTdxQuote(inblob);
        }
        catch (Exception e) when (e is EvidenceException or ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            // tdx_report_new reports a failed GetQuote as EIO.
            EmulatorLog.QuoteFailed(_logger, "tdx", e);
            return (null, Errno.EIO);
        }

        if (quote.Length > OutblobMax)
        {
            return (null, Errno.EFBIG);
        }

        entry.Outblob = quote;
        entry.ReadGeneration = entry.WriteGeneration;
        EmulatorLog.QuoteServed(_logger, "tdx", 0, quote.Length);
        return (quote, 0);
    }

    private sealed class ReportEntry
    {
        public byte[]? Inblob { get; set; }

        public byte[]? Outblob { get; set; }

        public ulong WriteGeneration { get; set; }

        public ulong ReadGeneration { get; set; }

        public bool Removed { get; set; }
    }

    /// <summary>
    /// A descriptor of <c>inblob</c>: configfs collects the writes of one descriptor in a buffer (zero-filled where a
    /// write starts past its end) and stores them when it is closed. The store happens at FLUSH, the synchronous part
    /// of <c>close()</c>, so a caller that reads <c>outblob</c> right after closing sees it.
    /// </summary>
    private sealed class InblobHandle(ReportEntry entry) : OpenFile
    {
        private byte[] _buffer = [];
        private bool _writeInProgress;

        public override int Read(long offset, int size, out ReadOnlyMemory<byte> data)
        {
            data = ReadOnlyMemory<byte>.Empty;
            return Errno.EACCES;
        }

        public override int Write(FuseCaller caller, long offset, ReadOnlySpan<byte> data, out int written)
        {
            written = 0;
            long end = offset + data.Length;
            if (end > InblobMax)
            {
                return Errno.EFBIG;
            }

            if (end > _buffer.Length)
            {
                Array.Resize(ref _buffer, (int)end);
            }

            data.CopyTo(_buffer.AsSpan((int)offset));
            _writeInProgress = true;
            written = data.Length;
            return 0;
        }

        public override int Flush()
        {
            Store();
            return 0;
        }

        public override void Release() => Store();

        private void Store()
        {
            if (!_writeInProgress || entry.Removed)
            {
                return;
            }

            _writeInProgress = false;
            entry.Inblob = _buffer.ToArray();
            entry.WriteGeneration++;
        }
    }
}
