using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// Fetches collateral from a PCCS (Intel's Provisioning Certificate Caching Service, or a compatible cache such as
/// Azure's) with the same API v4 paths as PCS; the root CA CRL comes from <c>/sgx/certification/v4/rootcacrl</c>.
/// A typed HttpClient: register it with <c>services.AddPccsCollateralProvider(...)</c>.
/// </summary>
public sealed class PccsCollateralProvider : ICollateralProvider
{
    private readonly PcsCollateralClient client;

    /// <summary>Creates the provider over an HttpClient.</summary>
    /// <param name="httpClient">
    /// The HTTP client. To accept a self-signed PCCS certificate its handler must come from
    /// <see cref="CreateHttpMessageHandler"/> (DI registration does this).
    /// </param>
    /// <param name="options">The PCCS options.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public PccsCollateralProvider(HttpClient httpClient, IOptions<PccsOptions> options, ILogger<PccsCollateralProvider>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        var value = CollateralOptionsValidator.EnsureValid(options.Value, o => CollateralOptionsValidator.Instance.Validate(null, o));
        httpClient.Timeout = value.Timeout;
        var baseAddress = IntelPcsCollateralProvider.WithTrailingSlash(value.BaseAddress!);
        client = new PcsCollateralClient(httpClient, baseAddress, new Uri(baseAddress, "sgx/certification/v4/rootcacrl"), value.ApiKeyHeaderName, value.ApiKey, "PCCS", (ILogger?)logger ?? NullLogger.Instance);
    }

    /// <summary>
    /// The HTTP handler for a PCCS: normal TLS validation, plus, only when
    /// <see cref="PccsOptions.DangerousAcceptSelfSignedCertificateSha256"/> is set, acceptance of the one server
    /// certificate with that SHA-256.
    /// </summary>
    /// <param name="options">The PCCS options.</param>
    /// <returns>A new handler.</returns>
    public static HttpMessageHandler CreateHttpMessageHandler(PccsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(15) };
        if (options.DangerousAcceptSelfSignedCertificateSha256 is { } pin)
        {
            var pinned = Convert.FromHexString(pin);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == SslPolicyErrors.None
                || (certificate is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(certificate.GetRawCertData()), pinned));
        }

        return handler;
    }

    /// <inheritdoc />
    public Task<QuoteCollateral> GetCollateralAsync(CollateralRequest request, CancellationToken cancellationToken = default) =>
        client.GetAsync(request, cancellationToken);
}
