using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlindAI.Client.DependencyInjection;

/// <summary>Registers the BlindAI client.</summary>
public static class BlindAIClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="BlindAIClientFactory"/> and <see cref="BlindAIConnector"/> with options validated at start
    /// (<see cref="BlindAIClientOptionsValidator"/>, <c>ValidateOnStart</c>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the server, ports, policy and collateral source.</param>
    /// <returns>The options builder, to bind configuration or add validation.</returns>
    public static OptionsBuilder<BlindAIClientOptions> AddBlindAIClient(this IServiceCollection services, Action<BlindAIClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BlindAIClientOptions>, BlindAIClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new BlindAIConnector(sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>(), sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<BlindAIClientFactory>();
        return services.AddOptions<BlindAIClientOptions>().Configure(configure).ValidateOnStart();
    }
}
