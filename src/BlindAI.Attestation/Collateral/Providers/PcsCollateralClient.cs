using BlindAI.Attestation.Pck;
using System.Net;
using System.Net.Http.Headers;

using Microsoft.Extensions.Logging;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// The PCS API v4 requests shared by Intel PCS and PCCS: TCB Info, QE Identity, PCK CRL (with their issuer chain
/// headers) and the root CA CRL, fetched concurrently and parsed into <see cref="QuoteCollateral"/>.
/// </summary>
internal sealed class PcsCollateralClient(HttpClient http, Uri baseAddress, Uri rootCaCrlAddress, string? apiKeyHeader, string? apiKey, string source, ILogger logger)
{
    public const string TcbInfoIssuerChainHeader = "TCB-Info-Issuer-Chain";
    public const string LegacyTcbInfoIssuerChainHeader = "SGX-TCB-Info-Issuer-Chain";
    public const string EnclaveIdentityIssuerChainHeader = "SGX-Enclave-Identity-Issuer-Chain";
    public const string PckCrlIssuerChainHeader = "SGX-PCK-CRL-Issuer-Chain";

    private const int MaxBodyBytes = 4 * 1024 * 1024;

    public async Task<QuoteCollateral> GetAsync(CollateralRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        CollateralLog.Fetching(logger, request, source);
        var tee = request.TcbInfoId == TcbInfoId.Tdx ? "tdx" : "sgx";
        var ca = request.CaType == PckCaType.Platform ? "platform" : "processor";
        var tcbInfo = FetchAsync(new Uri(baseAddress, $"{tee}/certification/v4/tcb?fmspc={request.FmspcHex}"), [TcbInfoIssuerChainHeader, LegacyTcbInfoIssuerChainHeader], cancellationToken);
        var qeIdentity = FetchAsync(new Uri(baseAddress, $"{tee}/certification/v4/qe/identity"), [EnclaveIdentityIssuerChainHeader], cancellationToken);
        var pckCrl = FetchAsync(new Uri(baseAddress, $"sgx/certification/v4/pckcrl?ca={ca}&encoding=der"), [PckCrlIssuerChainHeader], cancellationToken);
        var rootCaCrl = FetchAsync(rootCaCrlAddress, [], cancellationToken);
        await Task.WhenAll(tcbInfo, qeIdentity, pckCrl, rootCaCrl).ConfigureAwait(false);

        var collateral = QuoteCollateral.FromPcsResponses(new PcsCollateralResponses
        {
            TcbInfoBody = tcbInfo.Result.Body,
            TcbInfoIssuerChain = tcbInfo.Result.IssuerChain!,
            QeIdentityBody = qeIdentity.Result.Body,
            QeIdentityIssuerChain = qeIdentity.Result.IssuerChain!,
            PckCrl = pckCrl.Result.Body,
            PckCrlIssuerChain = pckCrl.Result.IssuerChain!,
            RootCaCrl = rootCaCrl.Result.Body,
        });
        CollateralLog.Fetched(logger, request, source, collateral.TcbInfo.TcbEvaluationDataNumber, collateral.NextUpdate);
        return collateral;
    }

    private async Task<(byte[] Body, string? IssuerChain)> FetchAsync(Uri url, string[] chainHeaders, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        if (apiKey is not null && apiKeyHeader is not null)
        {
            message.Headers.TryAddWithoutValidation(apiKeyHeader, apiKey);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new AttestationException(AttestationFailureReason.EvidenceMissing, VerificationStep.Parse, $"Collateral could not be fetched from {source} ({url.GetLeftPart(UriPartial.Path)}): {e.Message}", innerException: e);
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                CollateralLog.HttpFailed(logger, url.GetLeftPart(UriPartial.Path), (int)response.StatusCode);
                throw new AttestationException(
                    AttestationFailureReason.EvidenceMissing,
                    VerificationStep.Parse,
                    $"{source} answered {(int)response.StatusCode} {response.ReasonPhrase} for {url.PathAndQuery}{ErrorHeader(response.Headers)}.",
                    expected: "200",
                    actual: ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            string? chain = null;
            if (chainHeaders.Length > 0)
            {
                chain = chainHeaders.Select(h => response.Headers.TryGetValues(h, out var values) ? string.Concat(values) : null).FirstOrDefault(v => v is not null)
                    ?? throw new AttestationFormatException(AttestationFormatErrorReason.MissingField, $"The {source} response for {url.AbsolutePath} has no {chainHeaders[0]} header.");
            }

            if (response.Content.Headers.ContentLength > MaxBodyBytes)
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.InvalidLength, $"The {source} response for {url.AbsolutePath} declares {response.Content.Headers.ContentLength} bytes, more than {MaxBodyBytes}.");
            }

            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return (await ReadLimitedAsync(stream, url, cancellationToken).ConfigureAwait(false), chain);
            }
        }
    }

    private async Task<byte[]> ReadLimitedAsync(Stream stream, Uri url, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.InvalidLength, $"The {source} response for {url.AbsolutePath} is larger than {MaxBodyBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>PCS explains errors in the Error-Code / Error-Message headers.</summary>
    private static string ErrorHeader(HttpResponseHeaders headers) =>
        headers.TryGetValues("Error-Code", out var code)
            ? $" (Error-Code {string.Join(",", code)}{(headers.TryGetValues("Error-Message", out var text) ? ": " + string.Join(",", text) : string.Empty)})"
            : string.Empty;
}
