using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.RaTls;
using BlindAI.Attestation.Verification;
using BlindAI.Client.Attestation;
using BlindAI.Client.Diagnostics;
using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using Microsoft.Extensions.Logging;

namespace BlindAI.Client.Connection;

/// <summary>
/// Attests a BlindAI server over its untrusted port: certificate and its validity, bound evidence (RA-TLS extension, or
/// the original <c>/quote</c>), collateral, DCAP + policy, and a fresh quote over a client nonce (unless the caller named
/// the original-server mode). Nothing but the nonce is sent; everything received is untrusted until verified, and
/// nothing the untrusted port says (such as the capabilities it advertises) can turn a check off.
/// </summary>
internal sealed class ServerAttestor(HttpClient untrusted, BlindAIClientOptions options, EvidenceVerifier verifier, ILogger logger)
{
    private const int MaxUntrustedResponseBytes = 4 * 1024 * 1024;

    public static HttpClient CreateUntrustedClient(ServerEndpoints endpoints, BlindAIClientOptions options) =>
        new(new SocketsHttpHandler { ConnectTimeout = options.ConnectTimeout, AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
        {
            BaseAddress = endpoints.Untrusted,
            Timeout = options.RequestTimeout,
            MaxResponseContentBufferSize = MaxUntrustedResponseBytes,
        };

    public async Task<AttestationReport> AttestAsync(CancellationToken cancellationToken)
    {
        using Activity? activity = ClientActivities.Start("attest", untrusted.BaseAddress!);
        try
        {
            AttestationReport report = await AttestOnceAsync(cancellationToken).ConfigureAwait(false);
            ClientActivities.Attested(activity, report);
            return report;
        }
        catch (Exception ex)
        {
            ClientActivities.Fail(activity, ex);
            throw;
        }
    }

    private async Task<AttestationReport> AttestOnceAsync(CancellationToken cancellationToken)
    {
        // 1. The certificate, and what the server says it is.
        using HttpResponseMessage certificateResponse = await GetAsync(ProtocolRoutes.Certificate, optional: false, cancellationToken).ConfigureAwait(false);
        bool declaresSimulation = certificateResponse.Headers.TryGetValues("Server", out IEnumerable<string>? servers)
            && servers.Any(s => s.Contains("mock", StringComparison.OrdinalIgnoreCase));
        RefuseUndeclaredSimulation(declaresSimulation);
        byte[] der = Decode(await certificateResponse.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), static (c, b) => c.DecodeCertificate(b).ToArray(), "certificate");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException ex)
        {
            throw new AttestationException(AttestationFailureReason.MalformedInput, VerificationStep.Parse, "The server's certificate is not valid DER X.509.", innerException: ex);
        }

        verifier.CheckCertificateValidity(certificate);

        ServerCapabilities? capabilities = await GetCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        RefuseUndeclaredSimulation(capabilities?.Simulation == true);

        // 2. Evidence bound to the certificate's key.
        byte[] publicKeySha256 = EvidenceVerifier.PublicKeySha256(certificate);
        Quote quote;
        bool fromQuoteRoute;
        if (EvidenceVerifier.HasRaTlsEvidence(certificate))
        {
            quote = EvidenceVerifier.ReadBoundQuote(certificate);
            fromQuoteRoute = false;
        }
        else
        {
            using HttpResponseMessage quoteResponse = await GetAsync(ProtocolRoutes.Quote, optional: false, cancellationToken).ConfigureAwait(false);
            byte[] raw = Decode(await quoteResponse.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), static (c, b) => c.DecodeQuote(b).ToArray(), "quote");
            quote = Quote.Parse(raw);
            EvidenceVerifier.CheckLegacyBinding(quote, der);
            fromQuoteRoute = true;
        }

        // 3. Collateral (untrusted wherever it comes from), DCAP and policy.
        QuoteCollateral collateral = await GetCollateralAsync(quote, cancellationToken).ConfigureAwait(false);
        QuoteVerificationResult verification = verifier.Verify(quote, collateral);

        // 4. Liveness: a quote over our nonce and the same key. Asked whatever the server advertises: the advertisement
        // comes over plain HTTP, and a man in the middle who strips it must not be able to make us accept old evidence.
        QuoteVerificationResult? fresh = null;
        bool skipped = options.FreshEvidence == FreshEvidenceMode.InsecureSkipForOriginalServers;
        if (skipped)
        {
            ClientLog.FreshEvidenceSkipped(logger);
        }
        else
        {
            fresh = await VerifyFreshEvidenceAsync(quote, collateral, certificate, cancellationToken).ConfigureAwait(false);
        }

        return new AttestationReport
        {
            Verification = verification,
            FromOriginalQuoteRoute = fromQuoteRoute,
            Certificate = certificate,
            PublicKeySha256 = Measurement.FromBytes(publicKeySha256),
            TrustAnchor = verifier.TrustAnchor,
            FreshnessVerified = fresh is not null,
            FreshVerification = fresh,
            FreshEvidenceSkipped = skipped,
            Capabilities = capabilities,
        };
    }

    private async Task<QuoteVerificationResult> VerifyFreshEvidenceAsync(Quote attested, QuoteCollateral collateral, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        byte[] nonce = RandomNumberGenerator.GetBytes(FreshEvidenceRequest.NonceLength);
        using var content = new ByteArrayContent(MessageCodec.Default.EncodeFreshEvidenceRequest(new FreshEvidenceRequest(nonce)));
        content.Headers.ContentType = new(ProtocolMediaTypes.Cbor);
        using HttpResponseMessage response = await untrusted.PostAsync(ProtocolRoutes.Evidence, content, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new AttestationException(
                AttestationFailureReason.EvidenceMissing,
                VerificationStep.Freshness,
                $"The server did not issue fresh evidence (POST {ProtocolRoutes.Evidence} answered HTTP {(int)response.StatusCode}), which the client requires: "
                + "without it the certificate's evidence could be replayed. Only for an original BlindAI 0.6 server, which has no such route, "
                + $"set {nameof(BlindAIClientOptions.FreshEvidence)} = {nameof(FreshEvidenceMode)}.{nameof(FreshEvidenceMode.InsecureSkipForOriginalServers)}.");
        }

        FreshEvidenceReply reply = Decode(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), static (c, b) => c.DecodeFreshEvidenceReply(b), "fresh evidence");
        if (!CryptographicOperations.FixedTimeEquals(reply.Nonce.Span, nonce))
        {
            throw new AttestationException(
                AttestationFailureReason.NonceMismatch,
                VerificationStep.Freshness,
                "The fresh evidence answers another nonce than the one this client sent: it is a replay.",
                expected: Convert.ToHexStringLower(nonce),
                actual: Convert.ToHexStringLower(reply.Nonce.Span));
        }

        Quote fresh = Quote.Parse(reply.Evidence.Span);
        EvidenceVerifier.CheckFreshBinding(fresh, attested, certificate, nonce);
        return verifier.Verify(fresh, collateral);
    }

    private async Task<QuoteCollateral> GetCollateralAsync(Quote quote, CancellationToken cancellationToken)
    {
        if (options.CollateralProvider is { } provider)
        {
            return await provider.GetCollateralAsync(CollateralRequest.For(quote), cancellationToken).ConfigureAwait(false);
        }

        using HttpResponseMessage response = await GetAsync(ProtocolRoutes.Collateral, optional: false, cancellationToken).ConfigureAwait(false);
        SgxCollateral wire = Decode(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), static (c, b) => c.DecodeCollateral(b), "collateral");
        return QuoteCollateral.FromSgxCollateral(wire);
    }

    private async Task<ServerCapabilities?> GetCapabilitiesAsync(CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await GetAsync(ProtocolRoutes.Version, optional: true, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? Decode(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), static (c, b) => c.DecodeServerCapabilities(b), "capabilities")
            : null;
    }

    private async Task<HttpResponseMessage> GetAsync(string route, bool optional, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await untrusted.GetAsync(route, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode || (optional && response.StatusCode == HttpStatusCode.NotFound))
        {
            return response;
        }

        int status = (int)response.StatusCode;
        response.Dispose();
        throw new AttestationException(
            AttestationFailureReason.EvidenceMissing,
            VerificationStep.Parse,
            $"GET {route} on the untrusted port answered HTTP {status}; the server's evidence is unavailable.");
    }

    private void RefuseUndeclaredSimulation(bool simulated)
    {
        if (simulated && options.InsecureSimulationRoot is null)
        {
            throw new AttestationException(
                AttestationFailureReason.UntrustedRoot,
                VerificationStep.PckCertificateChain,
                "The server declares itself a simulation (no real TEE). It is refused unless the caller explicitly trusts its simulation root (BlindAIClientOptions.InsecureSimulationRoot).");
        }
    }

    private static T Decode<T>(byte[] body, Func<MessageCodec, ReadOnlyMemory<byte>, T> decode, string what)
    {
        try
        {
            return decode(MessageCodec.Default, body);
        }
        catch (ProtocolException ex)
        {
            throw new AttestationException(AttestationFailureReason.MalformedInput, VerificationStep.Parse, $"The server's {what} is malformed: {ex.Message}", innerException: ex);
        }
    }
}
