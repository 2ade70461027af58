using BlindAI.Enclave.DependencyInjection;
using BlindAI.Enclave.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlindAI.Enclave.Quoting;

/// <summary>
/// Chooses the quote provider of real hardware: the one named, or automatically Gramine's <c>/dev/attestation</c>, then
/// configfs-tsm, else a clear error. The simulated platform is never chosen here, automatically or by name: it lives in
/// the separate, insecure <c>BlindAI.Enclave.Simulation</c> package, and whoever wants it registers its
/// <see cref="IQuoteProvider"/> before <c>AddBlindAIEnclave</c> (whose selection then stands aside), so this package
/// never carries a way to fake evidence.
/// </summary>
public static class QuoteProviderSelector
{
    /// <summary>Creates the provider the options ask for.</summary>
    /// <param name="options">Which provider and where its files live.</param>
    /// <param name="loggerFactory">Loggers for the provider; none when <see langword="null"/>.</param>
    /// <returns>The provider.</returns>
    /// <exception cref="EvidenceException">
    /// No TEE interface is present (<see cref="EvidenceErrorReason.PlatformUnavailable"/>), or the simulated platform is
    /// named (<see cref="EvidenceErrorReason.SimulationNotConfigured"/>: it is registered, never selected).
    /// </exception>
    public static IQuoteProvider Create(BlindAIEnclaveOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        ILogger logger = loggerFactory.CreateLogger(typeof(QuoteProviderSelector).FullName!);
        QuoteProviderKind kind = options.QuoteProvider;
        if (kind == QuoteProviderKind.Simulation)
        {
            throw new EvidenceException(
                EvidenceErrorReason.SimulationNotConfigured,
                "The simulated platform is not selected by name: register its IQuoteProvider (BlindAI.Enclave.Simulation) before AddBlindAIEnclave.");
        }

        if (kind == QuoteProviderKind.Automatic)
        {
            kind = GramineQuoteProvider.IsPresent(options.GramineAttestationRoot) ? QuoteProviderKind.Gramine
                : TsmQuoteProvider.IsPresent(options.TsmReportRoot) ? QuoteProviderKind.ConfigFsTsm
                : throw new EvidenceException(
                    EvidenceErrorReason.PlatformUnavailable,
                    $"No TEE found: neither {options.GramineAttestationRoot}/attestation_type (Gramine SGX) nor {options.TsmReportRoot} (configfs-tsm) exists. " +
                    "Run under gramine-sgx or in a TDX guest, or register the simulated platform (BlindAI.Enclave.Simulation) for a test server.");
        }

        IQuoteProvider provider = kind switch
        {
            QuoteProviderKind.Gramine => new GramineQuoteProvider(
                new GramineQuoteProviderOptions { AttestationRoot = options.GramineAttestationRoot },
                loggerFactory.CreateLogger<GramineQuoteProvider>()),
            QuoteProviderKind.ConfigFsTsm => new TsmQuoteProvider(
                new TsmQuoteProviderOptions { ReportRoot = options.TsmReportRoot },
                loggerFactory.CreateLogger<TsmQuoteProvider>()),
            _ => throw new ArgumentException($"Unknown quote provider {kind}.", nameof(options)),
        };
        EnclaveLog.ProviderSelected(logger, provider.Kind);
        return provider;
    }
}
