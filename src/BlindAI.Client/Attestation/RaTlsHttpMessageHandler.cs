using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Verification;
using BlindAI.Client.Connection;
using BlindAI.Client.Diagnostics;

namespace BlindAI.Client.Attestation;

/// <summary>
/// An <see cref="HttpMessageHandler"/> for any RA-TLS server (a Gramine RA-TLS service, a BlindAI server's attested
/// port): before the first request to an origin (scheme, host and port) it completes a TLS handshake, takes the
/// certificate presented in that handshake, verifies it (validity window, key binding, DCAP against Intel's root,
/// policy), and from then on sends that origin's requests only over TLS connections presenting the key verified for that
/// same origin: a key attested for one origin is never accepted on another. No request is sent to an unverified server,
/// and no redirect is followed (its target would not have been attested). When an origin later presents another
/// certificate (renewal, restart), the refused handshake sent nothing; the origin is attested again and, if it is the
/// same enclave with a new key, re-pinned and the request sent once more (see <see cref="SendAsync"/>).
/// </summary>
/// <remarks>
/// Use it as the primary handler (<c>new HttpClient(new RaTlsHttpMessageHandler(options))</c>, or
/// <c>ConfigurePrimaryHttpMessageHandler</c>), or as the last delegating handler of an <see cref="IHttpClientFactory"/>
/// client (<c>AddHttpMessageHandler</c>). Either way requests leave only through the handler's own connections, whose
/// TLS callback accepts only the key attested for the request's origin: it never forwards a request to an inner handler,
/// whose TLS validation it cannot see. Handlers added after it would therefore be skipped, so the handler refuses to send
/// when one is (an <see cref="InvalidOperationException"/> naming it; add such handlers before it); only the factory's
/// own logging handler may follow it. With the factory, handlers are recycled (<c>SetHandlerLifetime</c>), and a new
/// handler attests each origin again.
/// </remarks>
public sealed class RaTlsHttpMessageHandler : DelegatingHandler
{
    private readonly RaTlsHandlerOptions _options;
    private readonly EvidenceVerifier _verifier;
    private readonly ConcurrentDictionary<Origin, AttestedOrigin> _origins = new();
    private readonly SemaphoreSlim _attesting = new(1, 1);
    private volatile bool _disposed;
    private volatile bool _compositionChecked;

    /// <summary>Creates the handler.</summary>
    /// <param name="options">Policy, collateral source and (insecure) simulation trust.</param>
    /// <param name="timeProvider">The clock used to check certificate and collateral validity; the system clock when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The policy pins no enclave identity and does not name <see cref="BlindAI.Attestation.Policy.AttestationPolicy.AllowUnpinnedIdentity"/>.</exception>
    public RaTlsHttpMessageHandler(RaTlsHandlerOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Policy);
        ArgumentNullException.ThrowIfNull(options.CollateralProvider);
        if (!options.Policy.PinsIdentity && !options.Policy.UnpinnedIdentityAllowed)
        {
            throw new ArgumentException($"Invalid RA-TLS handler options: {nameof(RaTlsHandlerOptions.Policy)} {BlindAIClientOptions.UnpinnedPolicyProblem}", nameof(options));
        }

        _options = options;
        _verifier = new EvidenceVerifier(options.Policy, options.InsecureSimulationRoot, timeProvider ?? TimeProvider.System);
    }

    /// <summary>The verified attestation of a server this handler has talked to.</summary>
    /// <param name="server">Any URI of the server (scheme, host and port are used).</param>
    /// <param name="report">The report.</param>
    /// <returns>Whether the server has been attested.</returns>
    public bool TryGetAttestation(Uri server, [NotNullWhen(true)] out AttestationReport? report)
    {
        ArgumentNullException.ThrowIfNull(server);
        bool found = _origins.TryGetValue(Origin.Of(server), out AttestedOrigin? attested);
        report = attested?.Report;
        return found;
    }

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckComposition();
        Uri uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        if (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException($"RA-TLS requires an absolute https URI; refusing {uri}.");
        }

        AttestedOrigin attested = await EnsureAttestedAsync(uri, cancellationToken).ConfigureAwait(false);
        byte[] pinned = attested.Pins.Current;
        try
        {
            return await attested.Invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (CertificatePins.IsTlsFailure(ex))
        {
            // TLS completes before any byte of the request is written: nothing was sent, and the body was not read.
            await ReattestAsync(uri, attested, pinned, ex, cancellationToken).ConfigureAwait(false);
            if (!IsReplayable(request.Content))
            {
                throw new HttpRequestException(
                    HttpRequestError.SecureConnectionError,
                    $"{uri.Authority} presented a new certificate; it was attested again (same enclave) and is now pinned, but this request's body is a "
                    + "stream that is not resent automatically. Nothing was sent: send the request again.",
                    ex);
            }
        }

        try
        {
            return await attested.Invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (CertificatePins.IsTlsFailure(ex))
        {
            throw new AttestationException(
                AttestationFailureReason.CertificateBindingMismatch,
                VerificationStep.CertificateBinding,
                $"The TLS handshake with {uri.Authority} failed: the server did not present the key attested for this origin (or TLS failed). Nothing was sent.",
                expected: attested.Report.PublicKeySha256.ToString(),
                innerException: ex);
        }
    }

    /// <summary>
    /// Refuses the synchronous path: <see cref="DelegatingHandler"/>'s own <c>Send</c> hands the request straight to the
    /// inner handler, which in an <see cref="IHttpClientFactory"/> pipeline is an ordinary, unpinned socket handler: an
    /// unattested request. Attestation is asynchronous, so this handler serves <c>SendAsync</c> only.
    /// </summary>
    /// <exception cref="NotSupportedException">Always; nothing is sent.</exception>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{nameof(RaTlsHttpMessageHandler)} attests asynchronously: use SendAsync (HttpClient's async methods). Nothing was sent.");

    /// <summary>
    /// Refuses a pipeline in which a delegating handler follows this one: the request would leave through this handler's
    /// pinned connections without passing it (a retry, authentication or resilience handler the caller expects to run).
    /// The factory's own logging handler (Microsoft.Extensions.Http) is the exception: skipping it changes nothing.
    /// </summary>
    private void CheckComposition()
    {
        if (_compositionChecked)
        {
            return;
        }

        for (HttpMessageHandler? inner = InnerHandler; inner is DelegatingHandler next; inner = next.InnerHandler)
        {
            if (next.GetType().Assembly != typeof(IHttpClientFactory).Assembly)
            {
                throw new InvalidOperationException(
                    $"{next.GetType().FullName} is added after {nameof(RaTlsHttpMessageHandler)}, which sends every request over its own attested, pinned "
                    + "connections and never to an inner handler: that handler would be skipped. Nothing was sent. Add it before "
                    + $"{nameof(RaTlsHttpMessageHandler)} (AddHttpMessageHandler order is outermost first), or make {nameof(RaTlsHttpMessageHandler)} "
                    + "the primary handler (ConfigurePrimaryHttpMessageHandler).");
            }
        }

        _compositionChecked = true;
    }

    /// <summary>
    /// Whether a body can be sent a second time with the same bytes: none, or one .NET holds in memory. A caller's
    /// stream (possibly one-shot, such as a network or pipe stream) is never read a second time without the caller.
    /// </summary>
    private static bool IsReplayable(HttpContent? content) => content is null or ByteArrayContent or ReadOnlyMemoryContent;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            foreach (AttestedOrigin attested in _origins.Values)
            {
                attested.Invoker.Dispose();
            }

            _origins.Clear();
            _attesting.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task<AttestedOrigin> EnsureAttestedAsync(Uri uri, CancellationToken cancellationToken)
    {
        Origin origin = Origin.Of(uri);
        if (_origins.TryGetValue(origin, out AttestedOrigin? attested))
        {
            return attested;
        }

        await _attesting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_origins.TryGetValue(origin, out attested))
            {
                AttestationReport report = await AttestAsync(uri, cancellationToken).ConfigureAwait(false);

                // This origin's own connections, pinned to this origin's own key.
                var pins = new CertificatePins(report.PublicKeySha256.ToArray());
                attested = new AttestedOrigin(report, AttestedIdentity.Of(report.Quote), pins, new HttpMessageInvoker(pins.CreateHandler(_options.ConnectTimeout), disposeHandler: true));
                _origins[origin] = attested;
            }

            return attested;
        }
        finally
        {
            _attesting.Release();
        }
    }

    /// <summary>
    /// After <paramref name="attested"/>'s pinned key was refused: attests the origin again from the certificate its
    /// handshake presents now (validity, binding, DCAP, policy) and moves its pin only to a new key of the same enclave.
    /// </summary>
    private async Task ReattestAsync(Uri uri, AttestedOrigin attested, byte[] failedPin, HttpRequestException handshakeFailure, CancellationToken cancellationToken)
    {
        await _attesting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!ReferenceEquals(attested.Pins.Current, failedPin))
            {
                return; // Another request re-attested this origin meanwhile.
            }

            AttestationReport renewed = await AttestAsync(uri, cancellationToken).ConfigureAwait(false);
            Reattestation.Check(attested.FirstIdentity, failedPin, renewed, uri.Authority, handshakeFailure);

            // Another instance of the same enclave is indistinguishable by its evidence, but a key attested for one
            // origin is never accepted on another: a renewal makes a new key, it does not borrow a neighbour's.
            foreach ((Origin other, AttestedOrigin neighbour) in _origins)
            {
                if (!ReferenceEquals(neighbour, attested) && neighbour.Pins.Contains(renewed.PublicKeySha256.Span))
                {
                    throw new AttestationException(
                        AttestationFailureReason.CertificateBindingMismatch,
                        VerificationStep.CertificateBinding,
                        $"{uri.Authority} now presents the key attested for another origin ({other.Host}:{other.Port}); it is refused here. Nothing was sent.",
                        expected: attested.Report.PublicKeySha256.ToString(),
                        actual: renewed.PublicKeySha256.ToString(),
                        innerException: handshakeFailure);
                }
            }

            attested.Report = renewed with { Reattestations = attested.Report.Reattestations + 1 };
            attested.Pins.Replace(renewed.PublicKeySha256.ToArray());
        }
        finally
        {
            _attesting.Release();
        }
    }

    private async Task<AttestationReport> AttestAsync(Uri uri, CancellationToken cancellationToken)
    {
        using Activity? activity = ClientActivities.Start("attest", uri);
        try
        {
            AttestationReport report = await AttestOnceAsync(uri, cancellationToken).ConfigureAwait(false);
            ClientActivities.Attested(activity, report);
            return report;
        }
        catch (Exception ex)
        {
            ClientActivities.Fail(activity, ex);
            throw;
        }
    }

    private async Task<AttestationReport> AttestOnceAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        X509Certificate2 certificate = await GetHandshakeCertificateAsync(uri, timeout.Token).ConfigureAwait(false);
        _verifier.CheckCertificateValidity(certificate);
        Quote quote = EvidenceVerifier.ReadBoundQuote(certificate);
        QuoteCollateral collateral = await _options.CollateralProvider.GetCollateralAsync(CollateralRequest.For(quote), timeout.Token).ConfigureAwait(false);
        QuoteVerificationResult result = _verifier.Verify(quote, collateral);
        return new AttestationReport
        {
            Verification = result,
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

    /// <summary>What the same-origin rule compares: scheme, host (as resolved, case-insensitive) and port.</summary>
    private readonly record struct Origin(string Scheme, string Host, int Port)
    {
        public static Origin Of(Uri uri) => new(uri.Scheme.ToLowerInvariant(), uri.IdnHost.ToLowerInvariant(), uri.Port);
    }

    /// <summary>
    /// One origin: its latest report, the identity first attested there, its pin and its own connections. The report
    /// and pin change together under <see cref="_attesting"/> when the origin is re-attested.
    /// </summary>
    private sealed class AttestedOrigin(AttestationReport report, AttestedIdentity firstIdentity, CertificatePins pins, HttpMessageInvoker invoker)
    {
        private volatile AttestationReport _report = report;

        public AttestationReport Report
        {
            get => _report;
            set => _report = value;
        }

        public AttestedIdentity FirstIdentity { get; } = firstIdentity;

        public CertificatePins Pins { get; } = pins;

        public HttpMessageInvoker Invoker { get; } = invoker;
    }
}
