using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// Fetches collateral from Intel's Provisioning Certification Service, API v4: <c>/sgx|tdx/certification/v4/tcb</c>,
/// <c>/sgx|tdx/certification/v4/qe/identity</c>, <c>/sgx/certification/v4/pckcrl?ca=</c> with their issuer chain
/// headers, and the root CA CRL from its distribution point. A typed HttpClient: register it with
/// <c>services.AddIntelPcsCollateralProvider()</c>, which also puts a cache in front of it.
/// </summary>
public sealed class IntelPcsCollateralProvider : ICollateralProvider
{
    private readonly PcsCollateralClient client;

    /// <summary>Creates the provider over an HttpClient (from IHttpClientFactory or owned by the caller).</summary>
    /// <param name="httpClient">The HTTP client; its timeout is set from the options.</param>
    /// <param name="options">The PCS options.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public IntelPcsCollateralProvider(HttpClient httpClient, IOptions<IntelPcsOptions> options, ILogger<IntelPcsCollateralProvider>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        var value = CollateralOptionsValidator.EnsureValid(options.Value, o => CollateralOptionsValidator.Instance.Validate(null, o));
        httpClient.Timeout = value.Timeout;
        client = new PcsCollateralClient(httpClient, WithTrailingSlash(value.BaseAddress), value.RootCaCrlAddress, "Ocp-Apim-Subscription-Key", value.ApiKey, "Intel PCS", (ILogger?)logger ?? NullLogger.Instance);
    }

    /// <inheritdoc />
    public Task<QuoteCollateral> GetCollateralAsync(CollateralRequest request, CancellationToken cancellationToken = default) =>
        client.GetAsync(request, cancellationToken);

    internal static Uri WithTrailingSlash(Uri address) =>
        address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
}
