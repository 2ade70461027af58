using System.Diagnostics.Metrics;
using BlindAI.Client;
using BlindAI.Client.Connection;
using BlindAI.Client.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers named BlindAI clients, connected with <see cref="BlindAIClientFactory"/>.</summary>
public static class BlindAIClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers the BlindAI client <paramref name="name"/> and <see cref="BlindAIClientFactory"/>, with options validated
    /// at start (<c>ValidateOnStart</c>): a missing server, a bad port or a policy that pins no enclave identity stops the
    /// application before it runs.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The client's name, passed to <see cref="BlindAIClientFactory.ConnectAsync"/>.</param>
    /// <param name="configure">Sets the server, ports, policy and collateral source.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddBlindAIClient(this IServiceCollection services, string name, Action<BlindAIClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        AddFactory(services, name);
        services.AddOptions<BlindAIClientOptions>(name).Configure(configure).ValidateOnStart();
        return services;
    }

    /// <summary>
    /// Registers the BlindAI client <paramref name="name"/> bound from <paramref name="configuration"/>, strictly: an
    /// unknown key or a value that cannot be bound fails validation at start. Keys: <c>Server</c>, <c>UntrustedPort</c>,
    /// <c>AttestedPort</c>, <c>ManagementPort</c>, <c>Policy</c> (a path to <c>policy.json</c> or <c>manifest.toml</c>,
    /// or the members of <c>policy.json</c> inline, such as <c>Policy:Sgx:MrEnclave</c>), <c>InsecureSimulationRoot</c>
    /// (a certificate file), <c>FreshEvidence</c>, <c>ManagementToken</c>, <c>RequestTimeout</c>, <c>ConnectTimeout</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The client's name, passed to <see cref="BlindAIClientFactory.ConnectAsync"/>.</param>
    /// <param name="configuration">The client's section, for example <c>builder.Configuration.GetSection("BlindAI:Scoring")</c>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddBlindAIClient(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddBlindAIClient(name, options => ClientOptionsBinder.Bind(configuration, options));
    }

    private static void AddFactory(IServiceCollection services, string name)
    {
        services.AddSingleton(new ClientRegistration(name));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BlindAIClientOptions>, ClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new BlindAIClientFactory(
            new ClientConnector(sp.GetService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<IMeterFactory>()),
            sp.GetRequiredService<IOptionsMonitor<BlindAIClientOptions>>(),
            sp.GetServices<ClientRegistration>()));
    }
}
