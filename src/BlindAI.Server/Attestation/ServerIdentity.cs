using System.Security.Cryptography;
using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.RaTls;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Problems;
using BlindAI.Server.Diagnostics;
using BlindAI.Server.Problems;
using Microsoft.Extensions.Logging;

namespace BlindAI.Server.Attestation;

/// <summary>
/// The host's attested identity: an RA-TLS certificate whose key never leaves this process (served on the attested and
/// management ports, and as DER on <c>GET /</c>), and the quote the original client checks on <c>GET /quote</c> (report
/// data = SHA-256 of that exact DER, then 32 zero bytes, as the original server made it). Made at start and renewed
/// (new key, new quotes) by <see cref="Hosting.CertificateRenewalService"/>; each renewal swaps one immutable
/// <see cref="ServerIdentitySnapshot"/>, so a reader never sees a certificate with another certificate's quote.
/// An expired certificate is never handed out: <see cref="Current"/> refuses, and with it every TLS handshake and
/// every evidence route.
/// </summary>
internal sealed class ServerIdentity : IDisposable
{
    private readonly RaTlsCertificateBuilder _builder;
    private readonly IQuoteProvider _quoteProvider;
    private readonly RaTlsCertificateOptions _certificateOptions;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _renewing = new(1, 1);
    private volatile ServerIdentitySnapshot? _current;

    // The snapshot replaced by the last renewal, disposed at the next one: a handshake or request that took it just
    // before the swap can still finish with its key (renewals are days apart).
    private ServerIdentitySnapshot? _previous;

    public ServerIdentity(RaTlsCertificateBuilder builder, IQuoteProvider quoteProvider, RaTlsCertificateOptions certificateOptions, TimeProvider timeProvider, ILogger<ServerIdentity> logger)
    {
        _builder = builder;
        _quoteProvider = quoteProvider;
        _certificateOptions = certificateOptions;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Whether a certificate exists and has not expired.</summary>
    public bool IsReady => _current is { } current && !current.HasExpiredAt(_timeProvider.GetUtcNow());

    /// <summary>Whether the certificate made (or last renewed) has expired: every renewal since two thirds of its life failed.</summary>
    public bool HasExpired => _current is { } current && current.HasExpiredAt(_timeProvider.GetUtcNow());

    /// <summary>The latest snapshot, expired or not, for the renewal schedule; <see langword="null"/> before initialisation.</summary>
    public ServerIdentitySnapshot? Latest => _current;

    /// <summary>
    /// The snapshot to serve now. Take it once per handshake or request and use only it, so the certificate and the
    /// quotes come from the same renewal.
    /// </summary>
    /// <exception cref="InvalidOperationException">The identity is not initialised yet.</exception>
    /// <exception cref="HostProblemException">The certificate has expired (renewal kept failing): nothing is served with it.</exception>
    public ServerIdentitySnapshot Current
    {
        get
        {
            ServerIdentitySnapshot current = _current ?? throw new InvalidOperationException("The server identity is not initialised yet.");
            if (current.HasExpiredAt(_timeProvider.GetUtcNow()))
            {
                throw new HostProblemException(
                    ProblemCode.AttestationUnavailable,
                    $"The server's RA-TLS certificate expired at {current.NotAfter:O} and could not be renewed; it is no longer served.");
            }

            return current;
        }
    }

    /// <summary>Generates the key, gets its quotes and builds the certificate, once.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_current is not null)
        {
            return;
        }

        await _renewing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is null)
            {
                _current = await CreateSnapshotAsync(cancellationToken).ConfigureAwait(false);
                HostLog.IdentityReady(_logger, _current.Certificate.Thumbprint, _quoteProvider.Kind, _current.Quote.Length);
            }
        }
        finally
        {
            _renewing.Release();
        }
    }

    /// <summary>
    /// Makes a new key, quotes and certificate and swaps them in as one snapshot. On failure nothing changes: the
    /// current certificate is served until it expires.
    /// </summary>
    /// <returns>The new snapshot.</returns>
    /// <exception cref="EvidenceException">No quote could be made.</exception>
    public async Task<ServerIdentitySnapshot> RenewAsync(CancellationToken cancellationToken)
    {
        await _renewing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ServerIdentitySnapshot renewed = await CreateSnapshotAsync(cancellationToken).ConfigureAwait(false);
            _previous?.Dispose();
            _previous = _current;
            _current = renewed;
            return renewed;
        }
        finally
        {
            _renewing.Release();
        }
    }

    public void Dispose()
    {
        _current?.Dispose();
        _previous?.Dispose();
        _renewing.Dispose();
    }

    private async Task<ServerIdentitySnapshot> CreateSnapshotAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset issuedAt = _timeProvider.GetUtcNow();
        RaTlsCertificate certificate = await _builder.BuildAsync(_certificateOptions, cancellationToken).ConfigureAwait(false);
        try
        {
            byte[] der = certificate.Certificate.RawData;
            byte[] reportData = new byte[IQuoteProvider.ReportDataLength];
            SHA256.HashData(der, reportData);
            byte[] quote = await _quoteProvider.GetQuoteAsync(reportData, cancellationToken).ConfigureAwait(false);

            // The X.509 notAfter (whole seconds), not issuedAt + validity: what clients check is what the host enforces.
            DateTimeOffset notAfter = new(certificate.Certificate.NotAfter.ToUniversalTime());
            return new ServerIdentitySnapshot(certificate, MessageCodec.Default.EncodeCertificate(der), quote, MessageCodec.Default.EncodeQuote(quote), issuedAt, notAfter);
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }
}
