using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlindAI.Enclave.Quoting;

/// <summary>
/// Gets DCAP quotes from Gramine's <c>/dev/attestation</c>: checks <c>attestation_type</c> is <c>dcap</c>, writes
/// <c>user_report_data</c>, closes it, then opens <c>quote</c> and reads it to the end. Both steps run under one lock
/// (the report data is per process) and off the caller's thread (the files block while the quoting enclave works).
/// </summary>
internal sealed class GramineQuoteProvider : IQuoteProvider, IDisposable
{
    internal const string AttestationTypeFile = "attestation_type";
    internal const string UserReportDataFile = "user_report_data";
    internal const string QuoteFile = "quote";

    private readonly string _root;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Creates the provider.</summary>
    /// <param name="options">Where the pseudo-files live.</param>
    /// <param name="logger">Logger; never receives report data or quotes.</param>
    public GramineQuoteProvider(GramineQuoteProviderOptions options, ILogger<GramineQuoteProvider>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.AttestationRoot);
        _root = options.AttestationRoot;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public QuoteProviderKind Kind => QuoteProviderKind.Gramine;

    /// <summary>Whether <paramref name="attestationRoot"/> looks like Gramine's SGX attestation interface (it has <c>attestation_type</c>).</summary>
    /// <param name="attestationRoot">The folder to probe.</param>
    /// <returns><see langword="true"/> when the folder holds <c>attestation_type</c>.</returns>
    public static bool IsPresent(string attestationRoot) => File.Exists(Path.Combine(attestationRoot, AttestationTypeFile));

    /// <inheritdoc />
    public async Task<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken)
    {
        QuoteConstants.ValidateReportData(reportData);
        byte[] data = reportData.ToArray();
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await BlockingQuoteRequest.RunAsync(Kind, _logger, () => GetQuoteBlocking(data), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _lock.Dispose();

    private byte[] GetQuoteBlocking(byte[] reportData)
    {
        CheckAttestationType();
        try
        {
            // Open without create or truncate: the pseudo-file must already exist, and a regular file must never be made.
            using (var stream = new FileStream(Path.Combine(_root, UserReportDataFile), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0))
            {
                stream.Write(reportData);
            }

            // Gramine generates the quote when the file is opened, from the report data written above.
            using var quoteStream = new FileStream(Path.Combine(_root, QuoteFile), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            return QuoteFiles.ReadToEnd(quoteStream, QuoteFile);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new EvidenceException(
                EnclaveErrorReason.PlatformUnavailable,
                $"Gramine's {UserReportDataFile} or {QuoteFile} is missing under {_root}: not running under gramine-sgx with DCAP attestation.",
                e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EvidenceException(EnclaveErrorReason.IoFailure, $"Gramine's attestation files under {_root} could not be used: {e.Message}", e);
        }
    }

    private void CheckAttestationType()
    {
        string type;
        try
        {
            type = File.ReadAllText(Path.Combine(_root, AttestationTypeFile)).Trim().TrimEnd('\0');
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new EvidenceException(
                EnclaveErrorReason.PlatformUnavailable,
                $"{Path.Combine(_root, AttestationTypeFile)} does not exist: not running under gramine-sgx (gramine-direct has no attestation).",
                e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EvidenceException(EnclaveErrorReason.IoFailure, $"Cannot read Gramine's {AttestationTypeFile}: {e.Message}", e);
        }

        if (!string.Equals(type, "dcap", StringComparison.Ordinal))
        {
            throw new EvidenceException(
                EnclaveErrorReason.AttestationDisabled,
                $"Gramine's attestation_type is '{type}', not 'dcap': set sgx.remote_attestation = \"dcap\" in the manifest.");
        }
    }
}
