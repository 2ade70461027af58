using BlindAI.Attestation.Collateral;

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers an <see cref="ICollateralProvider"/>: Intel PCS, a PCCS or static bundles, each behind a
/// <see cref="CachingCollateralProvider"/> that uses the registered <see cref="TimeProvider"/> (the system clock unless
/// another is registered). The last registration wins.
/// </summary>
public static class CollateralServiceCollectionExtensions
{
    /// <summary>Registers Intel PCS (API v4) as the collateral provider, with validated options checked at start-up.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Adjusts the options (base address, API key, timeout), or <see langword="null"/>.</param>
    /// <returns>The HTTP client builder of the typed client, to add handlers or resilience.</returns>
    public static IHttpClientBuilder AddIntelPcsCollateralProvider(this IServiceCollection services, Action<IntelPcsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<IntelPcsOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IntelPcsOptions>>(CollateralOptionsValidator.Instance));
        var builder = services.AddHttpClient<IntelPcsCollateralProvider>()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(15) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        AddCache<IntelPcsCollateralProvider>(services);
        return builder;
    }

    /// <summary>Registers a PCCS as the collateral provider, with validated options checked at start-up.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options; <see cref="PccsOptions.BaseAddress"/> is required.</param>
    /// <returns>The HTTP client builder of the typed client.</returns>
    public static IHttpClientBuilder AddPccsCollateralProvider(this IServiceCollection services, Action<PccsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PccsOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PccsOptions>>(CollateralOptionsValidator.Instance));
        var builder = services.AddHttpClient<PccsCollateralProvider>()
            .ConfigurePrimaryHttpMessageHandler(provider => PccsCollateralProvider.CreateHttpMessageHandler(provider.GetRequiredService<IOptions<PccsOptions>>().Value))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        AddCache<PccsCollateralProvider>(services);
        return builder;
    }

    /// <summary>Registers fixed collateral bundles as the collateral provider.</summary>
    /// <param name="services">The services.</param>
    /// <param name="collateral">One or more bundles.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddStaticCollateralProvider(this IServiceCollection services, params IEnumerable<QuoteCollateral> collateral)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(new StaticCollateralProvider(collateral));
        AddCache<StaticCollateralProvider>(services);
        return services;
    }

    private static void AddCache<TProvider>(IServiceCollection services)
        where TProvider : class, ICollateralProvider
    {
        services.TryAddSingleton(TimeProvider.System);

        // One cache for the application's lifetime. The typed client it wraps is created once: its handler is
        // therefore not recycled by the factory, so it is a SocketsHttpHandler that renews connections itself.
        services.AddSingleton<ICollateralProvider>(provider => new CachingCollateralProvider(
            provider.GetRequiredService<TProvider>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILogger<CachingCollateralProvider>>()));
    }
}
