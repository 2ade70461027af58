using BlindAI.Attestation.Collateral;
using BlindAI.Enclave.DependencyInjection;
using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.Simulation;
using BlindAI.SampleHost.Configuration;
using BlindAI.SampleHost.Diagnostics;
using Microsoft.Extensions.Logging;

namespace BlindAI.SampleHost.Attestation;

/// <summary>
/// Chooses the platform at start: the simulated one when <c>--simulation</c> is given, else Gramine's
/// <c>/dev/attestation</c>, then configfs-tsm. Without a TEE and without <c>--simulation</c> start-up fails: a server
/// that cannot prove what it runs must not serve.
/// </summary>
internal static class EvidencePlatformFactory
{
    public static EvidencePlatform Create(
        SampleHostOptions options, BlindAIEnclaveOptions enclaveOptions, ICollateralProvider? collateralProvider, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ILogger logger = loggerFactory.CreateLogger(typeof(EvidencePlatformFactory).FullName!);
        // One cache: the DI registration's CachingCollateralProvider (keyed by request, refreshed at nextUpdate).
        ICollateralSource? configured = collateralProvider is null ? null : new ProviderCollateralSource(collateralProvider);
        if (options.Simulation)
        {
            SimulationPlatform simulation = SimulationPlatform.Open(options.DataDirectory, options.SimulationTee, timeProvider);
            HostLog.SimulationWarning(logger, simulation.Directory, simulation.RootCertificatePath);
            ICollateralSource collateral = configured ?? new CachingCollateralSource(simulation, timeProvider, loggerFactory.CreateLogger<CachingCollateralSource>());
            return new EvidencePlatform(new SimulatedQuoteProvider(simulation.Platform, simulation.QuoteFormat), new OwningCollateralSource(collateral, simulation), IsSimulation: true);
        }

        if (enclaveOptions.QuoteProvider == QuoteProviderKind.Simulation)
        {
            throw new InvalidOperationException("The simulated quote provider is only used with --simulation (BlindAI:Simulation=true).");
        }

        try
        {
            IQuoteProvider provider = QuoteProviderSelector.Create(enclaveOptions, loggerFactory);
            return new EvidencePlatform(provider, configured, IsSimulation: false);
        }
        catch (EvidenceException exception)
        {
            HostLog.NoQuoteProvider(logger, exception.Reason, exception);
            throw;
        }
    }

    /// <summary>A collateral source that also disposes what backs it.</summary>
    private sealed class OwningCollateralSource(ICollateralSource inner, IDisposable owned) : ICollateralSource, IDisposable
    {
        public Task<CollateralSnapshot> GetCollateralAsync(ReadOnlyMemory<byte> quote, CancellationToken cancellationToken) =>
            inner.GetCollateralAsync(quote, cancellationToken);

        public void Dispose()
        {
            (inner as IDisposable)?.Dispose();
            owned.Dispose();
        }
    }
}
