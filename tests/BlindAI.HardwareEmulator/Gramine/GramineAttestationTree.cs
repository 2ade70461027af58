using BlindAI.Enclave.Quoting;
using BlindAI.HardwareEmulator.Fuse;
using Microsoft.Extensions.Logging;

namespace BlindAI.HardwareEmulator.Gramine;

/// <summary>
/// Gramine's <c>/dev/attestation</c> for <c>sgx.remote_attestation = "dcap"</c>, as libos/src/fs/dev/attestation.c
/// (Gramine 1.9) implements it:
/// <list type="bullet">
/// <item><c>attestation_type</c> reads <c>dcap</c> (no newline).</item>
/// <item><c>user_report_data</c>: each <c>write()</c> sets the calling process's report data, shorter data zero-padded
/// and longer data cut to 64 bytes (Gramine's <c>update_buffer</c>); the value is per process, as each enclave process
/// has its own.</item>
/// <item><c>quote</c>: the quote is made when the file is opened, over the opener's report data (zeros if it never
/// wrote), and that handle serves it to EOF; a failure to quote is EACCES at open.</item>
/// <item><c>keys/_sgx_mrenclave</c>, <c>keys/_sgx_mrsigner</c>: read-only 16-byte sealing keys.</item>
/// </list>
/// </summary>
internal sealed class GramineAttestationTree
{
    public const string AttestationTypeFile = "attestation_type";
    public const string UserReportDataFile = "user_report_data";
    public const string QuoteFile = "quote";

    /// <summary>Gramine's QUOTE_MAX_SIZE: larger quotes make the open fail.</summary>
    private const int QuoteMaxSize = 8192;

    private const int ReportDataSize = IQuoteProvider.ReportDataLength;

    private readonly EmulatedPlatform _platform;
    private readonly ILogger _logger;
    private readonly Dictionary<CallerProcess, byte[]> _reportData = [];

    public GramineAttestationTree(EmulatedPlatform platform, byte[] mrEnclaveKey, byte[] mrSignerKey, IEnumerable<VirtualFile> extraFiles, ILogger logger)
    {
        _platform = platform;
        _logger = logger;
        Root = new VirtualDirectory("/", isRoot: true);
        Root.Add(PseudoFile(AttestationTypeFile, "dcap"u8.ToArray()));
        Root.Add(new VirtualFile(UserReportDataFile, 0x1B6 /* 0666 */, (_, _) => OpenResult.Of(new ReportDataHandle(this))));
        Root.Add(new VirtualFile(QuoteFile, 0x124 /* 0444 */, (caller, _) => OpenQuote(caller)));
        VirtualDirectory keys = Root.Add(new VirtualDirectory("keys"));
        keys.Add(PseudoFile("_sgx_mrenclave", mrEnclaveKey));
        keys.Add(PseudoFile("_sgx_mrsigner", mrSignerKey));
        foreach (VirtualFile file in extraFiles)
        {
            Root.Add(file);
        }
    }

    public VirtualDirectory Root { get; }

    /// <summary>A read-only pseudo-file: stat says size 0 (Gramine sets no size), reads give the content.</summary>
    private static VirtualFile PseudoFile(string name, byte[] content) =>
        new(name, 0x124 /* 0444 */, (_, _) => OpenResult.Of(new ContentHandle(content)));

    private OpenResult OpenQuote(FuseCaller caller)
    {
        CallerProcess process = CallerProcess.Of(caller.ThreadId);
        byte[] reportData = _reportData.TryGetValue(process, out byte[]? data) ? data : new byte[ReportDataSize];
        byte[] quote;
        try
        {
            quote = _platform.CreateSgxQuote(reportData);
        }
        catch (Exception e) when (e is EvidenceException or ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            // Gramine's quote_load answers EACCES whatever went wrong in the quoting enclave.
            EmulatorLog.QuoteFailed(_logger, "gramine", e);
            return OpenResult.Fail(Errno.EACCES);
        }

        if (quote.Length > QuoteMaxSize)
        {
            EmulatorLog.QuoteTooLarge(_logger, quote.Length, QuoteMaxSize);
            return OpenResult.Fail(Errno.EACCES);
        }

        EmulatorLog.QuoteServed(_logger, "gramine", process.ProcessId, quote.Length);
        return OpenResult.Of(new ContentHandle(quote));
    }

    private void SaveReportData(FuseCaller caller, ReadOnlySpan<byte> data)
    {
        // Gramine's update_buffer: copy up to 64 bytes, zero the rest.
        byte[] reportData = new byte[ReportDataSize];
        data[..Math.Min(data.Length, ReportDataSize)].CopyTo(reportData);
        CallerProcess process = CallerProcess.Of(caller.ThreadId);
        if (!_reportData.ContainsKey(process))
        {
            ForgetExitedProcesses();
        }

        _reportData[process] = reportData;
    }

    private void ForgetExitedProcesses()
    {
        foreach (CallerProcess process in _reportData.Keys.Where(p => !p.IsAlive).ToList())
        {
            _reportData.Remove(process);
        }
    }

    /// <summary>
    /// A descriptor of <c>user_report_data</c>. As in Gramine's string pseudo-files it holds what was last written
    /// through it (a fresh descriptor reads empty), and each write replaces the content and saves it at once.
    /// </summary>
    private sealed class ReportDataHandle(GramineAttestationTree tree) : OpenFile
    {
        private byte[] _content = [];

        public override int Read(long offset, int size, out ReadOnlyMemory<byte> data)
        {
            data = Slice(_content, offset, size);
            return 0;
        }

        public override int Write(FuseCaller caller, long offset, ReadOnlySpan<byte> data, out int written)
        {
            tree.SaveReportData(caller, data);
            _content = data.ToArray();
            written = data.Length;
            return 0;
        }
    }
}
