using System.Globalization;
using BlindAI.Enclave.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlindAI.Enclave.Quoting;

/// <summary>
/// Gets TDX quotes through Linux configfs-tsm: creates a private report entry, writes <c>inblob</c>, reads
/// <c>outblob</c>, checks that <c>generation</c> still counts only our write (another writer would change it and the
/// quote could carry their report data), then removes the entry.
/// </summary>
internal sealed class TsmQuoteProvider : IQuoteProvider
{
    internal const string InblobFile = "inblob";
    internal const string OutblobFile = "outblob";
    internal const string GenerationFile = "generation";

    private readonly string _root;
    private readonly ILogger _logger;
    private readonly ITsmEntryHooks? _hooks;

    /// <summary>Creates the provider.</summary>
    /// <param name="options">Where configfs-tsm lives.</param>
    /// <param name="logger">Logger; never receives report data or quotes.</param>
    public TsmQuoteProvider(TsmQuoteProviderOptions options, ILogger<TsmQuoteProvider>? logger = null)
        : this(options, logger, hooks: null)
    {
    }

    /// <summary>Creates the provider with hooks that stand in for the kernel (tests only: a temp folder is not configfs).</summary>
    internal TsmQuoteProvider(TsmQuoteProviderOptions options, ILogger? logger, ITsmEntryHooks? hooks)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ReportRoot);
        _root = options.ReportRoot;
        _logger = logger ?? NullLogger.Instance;
        _hooks = hooks;
    }

    /// <inheritdoc />
    public QuoteProviderKind Kind => QuoteProviderKind.ConfigFsTsm;

    /// <summary>Whether <paramref name="reportRoot"/> exists (the kernel exposes configfs-tsm).</summary>
    /// <param name="reportRoot">The folder to probe.</param>
    /// <returns><see langword="true"/> when the folder exists.</returns>
    public static bool IsPresent(string reportRoot) => Directory.Exists(reportRoot);

    /// <inheritdoc />
    public async Task<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken)
    {
        QuoteConstants.ValidateReportData(reportData);
        byte[] data = reportData.ToArray();
        return await BlockingQuoteRequest.RunAsync(Kind, _logger, () => GetQuoteBlocking(data), cancellationToken).ConfigureAwait(false);
    }

    private byte[] GetQuoteBlocking(byte[] reportData)
    {
        if (!Directory.Exists(_root))
        {
            throw new EvidenceException(EnclaveErrorReason.PlatformUnavailable, $"{_root} does not exist: the kernel does not expose configfs-tsm (not a TDX guest, or configfs not mounted).");
        }

        // A private entry per request: configfs creates its attribute files on mkdir.
        string entry = Path.Combine(_root, "blindai-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(entry);
            _hooks?.EntryCreated(entry);
            long before = ReadGeneration(entry);
            using (var inblob = new FileStream(Path.Combine(entry, InblobFile), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0))
            {
                inblob.Write(reportData);
            }

            byte[] quote;
            using (var outblob = new FileStream(Path.Combine(entry, OutblobFile), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0))
            {
                quote = QuoteFiles.ReadToEnd(outblob, OutblobFile);
            }

            long after = ReadGeneration(entry);
            if (after != before + 1)
            {
                throw new EvidenceException(
                    EnclaveErrorReason.ConcurrentWriter,
                    $"configfs-tsm generation went from {before} to {after} around one write: another writer used the report entry, so the quote may not carry our report data.");
            }

            return quote;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new EvidenceException(EnclaveErrorReason.PlatformUnavailable, $"configfs-tsm entry under {_root} lacks its attribute files: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EvidenceException(EnclaveErrorReason.IoFailure, $"configfs-tsm under {_root} could not be used: {e.Message}", e);
        }
        finally
        {
            RemoveEntry(entry);
        }
    }

    private static long ReadGeneration(string entry)
    {
        string text = File.ReadAllText(Path.Combine(entry, GenerationFile)).Trim();
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long generation))
        {
            throw new EvidenceException(EnclaveErrorReason.IoFailure, $"configfs-tsm generation '{text}' is not a number.");
        }

        return generation;
    }

    private void RemoveEntry(string entry)
    {
        if (!Directory.Exists(entry))
        {
            return;
        }

        try
        {
            _hooks?.EntryRemoving(entry);

            // configfs removes the attribute files with the directory: a plain rmdir, never a recursive delete.
            Directory.Delete(entry, recursive: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            EnclaveLog.TsmCleanupFailed(_logger, entry, e);
        }
    }
}
