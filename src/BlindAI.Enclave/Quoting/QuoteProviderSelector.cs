using BlindAI.Enclave.DependencyInjection;
using BlindAI.Enclave.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlindAI.Enclave.Quoting;

/// <summary>
/// Chooses the quote provider: the one named, or automatically Gramine's <c>/dev/attestation</c>, then configfs-tsm,
/// else a clear error. Simulation is never chosen automatically, and never created here: the simulated platform lives
/// in the separate, insecure BlindAI.Enclave.Simulation package, whose SimulatedQuoteProvider a development host
/// registers as <see cref="IQuoteProvider"/> itself.
/// </summary>
public static class QuoteProviderSelector
{
    /// <summary>Creates the provider the options ask for.</summary>
    /// <param name="options">Which provider and where its files live.</param>
    /// <param name="loggerFactory">Loggers for the provider; none when <see langword="null"/>.</param>
    /// <returns>The provider.</returns>
    /// <exception cref="EvidenceException">No TEE interface is present (<see cref="EnclaveErrorReason.PlatformUnavailable"/>), or simulation is asked for (<see cref="EnclaveErrorReason.SimulationNotConfigured"/>: a development host registers the simulated provider itself).</exception>
    public static IQuoteProvider Create(BlindAIEnclaveOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        ILogger logger = loggerFactory.CreateLogger(typeof(QuoteProviderSelector).FullName!);
        QuoteProviderKind kind = options.QuoteProvider;
        if (kind == QuoteProviderKind.Automatic)
        {
            kind = GramineQuoteProvider.IsPresent(options.GramineAttestationRoot) ? QuoteProviderKind.Gramine
                : TsmQuoteProvider.IsPresent(options.TsmReportRoot) ? QuoteProviderKind.ConfigFsTsm
                : throw new EvidenceException(
                    EnclaveErrorReason.PlatformUnavailable,
                    $"No TEE found: neither {options.GramineAttestationRoot}/attestation_type (Gramine SGX) nor {options.TsmReportRoot} (configfs-tsm) exists. " +
                    "Run under gramine-sgx or in a TDX guest, or ask for the simulated platform by name.");
        }

        IQuoteProvider provider = kind switch
        {
            QuoteProviderKind.Gramine => new GramineQuoteProvider(
                new GramineQuoteProviderOptions { AttestationRoot = options.GramineAttestationRoot },
                loggerFactory.CreateLogger<GramineQuoteProvider>()),
            QuoteProviderKind.ConfigFsTsm => new TsmQuoteProvider(
                new TsmQuoteProviderOptions { ReportRoot = options.TsmReportRoot },
                loggerFactory.CreateLogger<TsmQuoteProvider>()),
            QuoteProviderKind.Simulation => throw new EvidenceException(
                EnclaveErrorReason.SimulationNotConfigured,
                "The simulated platform was asked for, but no simulated quote provider is registered: register BlindAI.Enclave.Simulation's SimulatedQuoteProvider as IQuoteProvider before AddBlindAIEnclave."),
            _ => throw new ArgumentException($"Unknown quote provider {kind}.", nameof(options)),
        };
        EnclaveLog.ProviderSelected(logger, provider.Kind);
        return provider;
    }
}
