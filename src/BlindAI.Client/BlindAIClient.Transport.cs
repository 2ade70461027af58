using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using BlindAI.Attestation;
using BlindAI.Client.Attestation;
using BlindAI.Client.Connection;
using BlindAI.Client.Diagnostics;
using BlindAI.Client.Errors;
using BlindAI.Client.Models;
using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Problems;

namespace BlindAI.Client;

public sealed partial class BlindAIClient
{
    private const string ContentTypeHeader = "Content-Type";
    private const string AcceptHeader = "Accept";
    private const string AcceptedMediaTypes = ProtocolMediaTypes.Cbor + ", " + ProtocolMediaTypes.ProblemCbor + ", " + ProtocolMediaTypes.ProblemJson;

    /// <summary>
    /// Completes one TLS handshake on the attested port, which only a server holding the attested key can do, and keeps
    /// the connection for later requests. The route does not exist (404), as with the original server.
    /// </summary>
    internal async Task ProbeAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ProtocolRoutes.Certificate);
        try
        {
            using HttpResponseMessage response = await SendWithTimeoutAsync(_attested, request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (CertificatePins.IsTlsFailure(ex))
        {
            throw PinMismatch(ex);
        }
    }

    /// <summary>
    /// Sends one request. When the TLS handshake refuses the server's certificate, nothing has been sent yet (TLS
    /// completes before the request is written), so the client attests the server again (see
    /// <see cref="ReattestAsync"/>) and, if that is the same enclave with a new key, sends the request once more over a
    /// connection pinned to the new key. <paramref name="createContent"/> makes a new body per attempt: every body of
    /// this client is already in memory (models are read before upload, run inputs are the caller's arrays), so a
    /// second attempt sends exactly the same bytes and no caller stream is ever read twice.
    /// </summary>
    private async Task<byte[]> SendAsync(HttpClient http, string route, Func<HttpContent> createContent, string operation, Activity? activity, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        bool success = false;
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                byte[] pinned = _pins.Current;
                try
                {
                    byte[] reply = await SendOnceAsync(http, route, createContent(), cancellationToken).ConfigureAwait(false);
                    success = true;
                    return reply;
                }
                catch (HttpRequestException ex) when (CertificatePins.IsTlsFailure(ex))
                {
                    if (attempt > 0)
                    {
                        throw PinMismatch(ex);
                    }

                    await ReattestAsync(pinned, ex, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex)
        {
            ClientActivities.Fail(activity, ex);
            throw;
        }
        finally
        {
            _metrics.Request(operation, Stopwatch.GetElapsedTime(started).TotalSeconds, success);
        }
    }

    private async Task<byte[]> SendOnceAsync(HttpClient http, string route, HttpContent content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = content };
        // Constant, well-formed values: added unparsed, so no header objects are built and formatted per request.
        request.Content.Headers.TryAddWithoutValidation(ContentTypeHeader, ProtocolMediaTypes.Cbor);
        request.Headers.TryAddWithoutValidation(AcceptHeader, AcceptedMediaTypes);
        if (ReferenceEquals(http, _management) && _options.ManagementToken is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using HttpResponseMessage response = await SendWithTimeoutAsync(http, request, cancellationToken).ConfigureAwait(false);
        byte[] reply = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? reply : throw Failure(route, response, reply);
    }

    /// <summary>
    /// After a handshake refused the pinned key: attests the server again exactly as <see cref="ConnectAsync"/> did
    /// (certificate, evidence, collateral, DCAP, policy, fresh nonce), then moves the pin only if the evidence names a
    /// new key of the same enclave (<see cref="Reattestation.Check"/>). One re-attestation at a time; a request that
    /// failed on a pin another request already replaced just retries.
    /// </summary>
    /// <exception cref="AttestationException">The server no longer passes attestation, is another enclave (<see cref="AttestationFailureReason.IdentityChanged"/>), or still names the pinned key (<see cref="AttestationFailureReason.CertificateBindingMismatch"/>: the peer was not the server).</exception>
    private async Task ReattestAsync(byte[] failedPin, HttpRequestException handshakeFailure, CancellationToken cancellationToken)
    {
        await _reattesting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!ReferenceEquals(_pins.Current, failedPin))
            {
                return;
            }

            AttestationReport previous = _attestation;
            ClientLog.Reattesting(_logger, _server, previous.PublicKeySha256.ToString());
            AttestationReport renewed;
            try
            {
                renewed = await _attestor.AttestAsync(cancellationToken).ConfigureAwait(false);
                Reattestation.Check(_firstIdentity, failedPin, renewed, _server, handshakeFailure);
            }
            catch (AttestationException ex)
            {
                ClientLog.ReattestationFailed(_logger, _server, ex.Step, ex.Reason);
                _metrics.Attestation("rejected", 0);
                throw;
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The server {_server} did not complete re-attestation within {_options.RequestTimeout}.", ex);
            }

            _attestation = renewed with { Reattestations = previous.Reattestations + 1 };
            _pins.Replace(renewed.PublicKeySha256.ToArray());
            ClientLog.Reattested(_logger, _server, previous.PublicKeySha256.ToString(), renewed.PublicKeySha256.ToString(), renewed.Verification.TcbStatus.ToString(), renewed.FreshnessVerified);
        }
        finally
        {
            _reattesting.Release();
        }
    }

    private async Task<HttpResponseMessage> SendWithTimeoutAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _timeProvider);

        // Most callers pass no token: then the timeout's own token is enough and no linked source is made per request.
        using CancellationTokenSource? linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token) : null;
        try
        {
            HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked?.Token ?? timeout.Token).ConfigureAwait(false);
            return response;
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{request.Method} {request.RequestUri} did not complete within {_options.RequestTimeout}.", ex);
        }
    }

    private BlindAIRequestException Failure(string route, HttpResponseMessage response, byte[] body)
    {
        string? mediaType = response.Content.Headers.ContentType?.MediaType;
        ProblemDetails? problem = null;
        string detail;
        try
        {
            if (mediaType is ProtocolMediaTypes.ProblemCbor or ProtocolMediaTypes.ProblemJson)
            {
                problem = ProblemDetailsSerializer.Default.Parse(body, mediaType);
                detail = problem.Detail ?? problem.Title ?? problem.Type;
            }
            else if (mediaType == ProtocolMediaTypes.Cbor)
            {
                detail = MessageCodec.Default.DecodeErrorText(body);
            }
            else
            {
                detail = response.ReasonPhrase ?? "no details";
            }
        }
        catch (ProtocolException)
        {
            detail = "the error body is malformed";
        }

        ClientLog.RequestFailed(_logger, route, (int)response.StatusCode, problem?.Type);
        TimeSpan? retryAfter = RetryAfter(response.Headers.RetryAfter);
        string retry = retryAfter is { } wait ? $" Retry after {wait.TotalSeconds:0} s." : string.Empty;
        return new BlindAIRequestException(response.StatusCode, problem, $"POST {route} failed with HTTP {(int)response.StatusCode}: {detail}{retry}", retryAfter);
    }

    /// <summary>How long the server asks the client to wait (RFC 9110 <c>Retry-After</c>: seconds, or a date read against the client's clock).</summary>
    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _timeProvider.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static AttestationException PinMismatch(HttpRequestException exception) => new(
        AttestationFailureReason.CertificateBindingMismatch,
        VerificationStep.CertificateBinding,
        "The TLS handshake failed: the server did not present the attested key (or TLS failed). Nothing was sent.",
        innerException: exception);

}
