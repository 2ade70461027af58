using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using BlindAI.Attestation;
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
        catch (HttpRequestException ex) when (IsTlsFailure(ex))
        {
            throw PinMismatch(ex);
        }
    }

    private async Task<byte[]> SendAsync(HttpClient http, string route, HttpContent content, string operation, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        bool success = false;
        using var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = content };
        // Constant, well-formed values: added unparsed, so no header objects are built and formatted per request.
        request.Content.Headers.TryAddWithoutValidation(ContentTypeHeader, ProtocolMediaTypes.Cbor);
        request.Headers.TryAddWithoutValidation(AcceptHeader, AcceptedMediaTypes);
        if (ReferenceEquals(http, _management) && _options.ManagementToken is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        try
        {
            using HttpResponseMessage response = await SendWithTimeoutAsync(http, request, cancellationToken).ConfigureAwait(false);
            byte[] reply = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw Failure(route, response, reply);
            }

            success = true;
            return reply;
        }
        catch (HttpRequestException ex) when (IsTlsFailure(ex))
        {
            throw PinMismatch(ex);
        }
        finally
        {
            _metrics.Request(operation, Stopwatch.GetElapsedTime(started).TotalSeconds, success);
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
        return new BlindAIRequestException(response.StatusCode, problem, $"POST {route} failed with HTTP {(int)response.StatusCode}: {detail}");
    }

    private static bool IsTlsFailure(HttpRequestException exception)
    {
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }

    private static AttestationException PinMismatch(HttpRequestException exception) => new(
        AttestationFailureReason.CertificateBindingMismatch,
        VerificationStep.CertificateBinding,
        "The TLS handshake failed: the server did not present the attested key (or TLS failed). Nothing was sent.",
        innerException: exception);

}
