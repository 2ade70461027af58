using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation.RaTls;
using BlindAI.Enclave.Logging;
using BlindAI.Enclave.Quoting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlindAI.Enclave.RaTls;

/// <summary>
/// Issues fresh quotes for clients that want proof of liveness: <c>report_data = SHA-256(DER SubjectPublicKeyInfo of
/// the TLS certificate) || client nonce</c>, so the quote binds both the attested key and this session.
/// </summary>
public sealed class FreshQuoteService
{
    /// <summary>The nonce length a client must send: exactly 32 bytes (<see cref="QuoteReportData.NonceLength"/>).</summary>
    public const int NonceLength = QuoteReportData.NonceLength;

    private readonly IQuoteProvider _quoteProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the service.</summary>
    /// <param name="quoteProvider">Where the quotes come from.</param>
    /// <param name="logger">Logger; never receives nonces or quotes.</param>
    public FreshQuoteService(IQuoteProvider quoteProvider, ILogger<FreshQuoteService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(quoteProvider);
        _quoteProvider = quoteProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets a quote binding <paramref name="certificate"/>'s public key and <paramref name="nonce"/>.</summary>
    /// <param name="certificate">The server's RA-TLS certificate.</param>
    /// <param name="nonce">Exactly <see cref="NonceLength"/> bytes chosen by the client.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The quote.</returns>
    /// <exception cref="EvidenceException">The nonce is not 32 bytes, or no quote could be obtained.</exception>
    public async Task<byte[]> GetFreshQuoteAsync(X509Certificate2 certificate, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        byte[] reportData = ComputeReportData(certificate.PublicKey.ExportSubjectPublicKeyInfo(), nonce.Span);
        byte[] quote = await _quoteProvider.GetQuoteAsync(reportData, cancellationToken).ConfigureAwait(false);
        EnclaveLog.FreshQuoteIssued(_logger, quote.Length);
        return quote;
    }

    /// <summary>The report data a fresh quote carries (<see cref="QuoteReportData.ForFreshEvidence"/>): SHA-256(<paramref name="subjectPublicKeyInfo"/>) followed by <paramref name="nonce"/>.</summary>
    /// <param name="subjectPublicKeyInfo">The DER SubjectPublicKeyInfo of the certificate.</param>
    /// <param name="nonce">Exactly <see cref="NonceLength"/> bytes.</param>
    /// <returns>64 bytes of report data.</returns>
    /// <exception cref="EvidenceException">The nonce is not 32 bytes.</exception>
    public static byte[] ComputeReportData(ReadOnlySpan<byte> subjectPublicKeyInfo, ReadOnlySpan<byte> nonce)
    {
        if (nonce.Length != NonceLength)
        {
            throw new EvidenceException(EnclaveErrorReason.InvalidReportData, $"The nonce must be exactly {NonceLength} bytes; got {nonce.Length}.");
        }

        return QuoteReportData.ForFreshEvidence(subjectPublicKeyInfo, nonce);
    }
}
