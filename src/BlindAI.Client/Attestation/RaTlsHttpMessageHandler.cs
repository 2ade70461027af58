using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Verification;
using BlindAI.Client.Connection;

namespace BlindAI.Client.Attestation;

/// <summary>
/// An <see cref="HttpMessageHandler"/> for any RA-TLS server (a Gramine RA-TLS service, a BlindAI server's attested
/// port): before the first request to a host and port it completes a TLS handshake, takes the certificate presented in
/// that handshake, verifies its evidence (key binding, DCAP against Intel's root, policy), and from then on accepts a TLS
/// connection only when it presents a verified key. No request is sent to an unverified server.
/// </summary>
public sealed class RaTlsHttpMessageHandler : DelegatingHandler
{
    private readonly RaTlsHandlerOptions _options;
    private readonly EvidenceVerifier _verifier;
    private readonly CertificatePins _pins = new();
    private readonly ConcurrentDictionary<string, AttestationReport> _reports = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _attesting = new(1, 1);

    /// <summary>Creates the handler.</summary>
    /// <param name="options">Policy, collateral source and (insecure) simulation trust.</param>
    /// <param name="timeProvider">The clock used to check collateral validity; the system clock when <see langword="null"/>.</param>
    public RaTlsHttpMessageHandler(RaTlsHandlerOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Policy);
        ArgumentNullException.ThrowIfNull(options.CollateralResolver);
        _options = options;
        _verifier = new EvidenceVerifier(options.Policy, options.InsecureSimulationRoot, timeProvider ?? TimeProvider.System);
        InnerHandler = _pins.CreateHandler(options.ConnectTimeout);
    }

    /// <summary>The verified attestation of a server this handler has talked to.</summary>
    /// <param name="server">Any URI of the server (scheme, host and port are used).</param>
    /// <param name="report">The report.</param>
    /// <returns>Whether the server has been attested.</returns>
    public bool TryGetAttestation(Uri server, [NotNullWhen(true)] out AttestationReport? report)
    {
        ArgumentNullException.ThrowIfNull(server);
        return _reports.TryGetValue(server.GetLeftPart(UriPartial.Authority), out report);
    }

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Uri uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException($"RA-TLS requires https; refusing {uri.Scheme}://{uri.Authority}.");
        }

        await EnsureAttestedAsync(uri, cancellationToken).ConfigureAwait(false);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _attesting.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task EnsureAttestedAsync(Uri uri, CancellationToken cancellationToken)
    {
        string key = uri.GetLeftPart(UriPartial.Authority);
        if (_reports.ContainsKey(key))
        {
            return;
        }

        await _attesting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_reports.ContainsKey(key))
            {
                AttestationReport report = await AttestAsync(uri, cancellationToken).ConfigureAwait(false);
                _pins.Add(report.PublicKeySha256.ToArray());
                _reports[key] = report;
            }
        }
        finally
        {
            _attesting.Release();
        }
    }

    private async Task<AttestationReport> AttestAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        X509Certificate2 certificate = await GetHandshakeCertificateAsync(uri, timeout.Token).ConfigureAwait(false);
        Quote quote = EvidenceVerifier.ReadBoundQuote(certificate);
        QuoteCollateral collateral = await _options.CollateralResolver(quote, timeout.Token).ConfigureAwait(false);
        QuoteVerificationResult result = _verifier.Verify(quote, collateral);
        return new AttestationReport
        {
            Verification = result,
            Source = EvidenceSource.RaTlsCertificate,
            Certificate = certificate,
            PublicKeySha256 = Measurement.FromBytes(EvidenceVerifier.PublicKeySha256(certificate)),
            TrustAnchor = _verifier.TrustAnchor,
        };
    }

    /// <summary>Completes a TLS handshake and returns the server's certificate; nothing is sent over the connection.</summary>
    private static async Task<X509Certificate2> GetHandshakeCertificateAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.IdnHost, uri.Port, cancellationToken).ConfigureAwait(false);
        X509Certificate2? presented = null;
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = uri.IdnHost,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    // Accepted only to read it: it is verified below, and this connection carries no data.
                    presented = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    return presented is not null;
                },
            },
            cancellationToken).ConfigureAwait(false);
        return presented ?? throw new AttestationException(
            AttestationFailureReason.EvidenceMissing, VerificationStep.CertificateBinding, $"{uri.Authority} presented no certificate.");
    }
}
