using BlindAI.Attestation.Collateral;
using BlindAI.Enclave.DependencyInjection;
using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.RaTls;
using BlindAI.Enclave.Sealing;
using BlindAI.Enclave.Simulation;
using BlindAI.Inference;
using BlindAI.Inference.Persistence;
using BlindAI.Server.Attestation;
using BlindAI.Server.Configuration;
using BlindAI.Server.Diagnostics;
using BlindAI.Server.Hosting;
using BlindAI.Server.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlindAI.Server;

/// <summary>Registers a BlindAI server: its TEE identity, evidence, inference engine, model store and limits.</summary>
public static class BlindAIServerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the server with options set in code, validated when the host starts. The collateral served on
    /// <c>/collateral</c> comes from <see cref="BlindAIServerOptions.CollateralSource"/> (configure
    /// <see cref="PccsOptions"/> or <see cref="IntelPcsOptions"/> with the options pattern); the enclave and engine
    /// settings from <see cref="BlindAIEnclaveOptions"/> and <see cref="InferenceEngineOptions"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options (outside simulation a <see cref="BlindAIServerOptions.CollateralSource"/> is required).</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="OptionsValidationException">A PCCS CA or API key file the options name cannot be used.</exception>
    public static IServiceCollection AddBlindAIServer(this IServiceCollection services, Action<BlindAIServerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        // The structural choices (simulation or hardware, which collateral provider) are made now, from the same
        // delegate the options pattern runs again when the host starts.
        var snapshot = new BlindAIServerOptions();
        configure(snapshot);
        var failures = new List<string>();
        PccsCollateralConnection? pccs = snapshot.CollateralSource == CollateralSourceKind.Pccs ? PccsCollateralConnection.Load(snapshot, pccsSection: null, failures) : null;
        ThrowIfAny(failures);
        services.AddOptions<BlindAIServerOptions>().Configure(configure);
        return AddServer(services, snapshot, pccs, section: null);
    }

    /// <summary>
    /// Registers the server with options bound from <paramref name="configuration"/> (the <see cref="BlindAIServerOptions.SectionName"/>
    /// section: its keys are <see cref="BlindAIServerOptions"/>'s, plus <c>Enclave</c>, <c>Inference</c> and
    /// <c>Collateral:IntelPcs</c> or <c>Collateral:Pccs</c>). Checked now, not at the first request: a key the server
    /// would not apply (misspelt, retired, or ignored in this configuration) is an error, because a security setting
    /// that silently keeps its default is how a deployment ends up unprotected.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The <c>BlindAI</c> section.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="OptionsValidationException">A key is unknown or would be ignored, a value cannot be converted, or the settings are unusable or unsafe.</exception>
    public static IServiceCollection AddBlindAIServer(this IServiceCollection services, IConfigurationSection configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        BlindAIServerOptions snapshot;
        try
        {
            snapshot = configuration.Get<BlindAIServerOptions>() ?? new BlindAIServerOptions();
        }
        catch (InvalidOperationException exception)
        {
            // A value the binder cannot convert (a port that is not a number, an unknown enum name); its message names the key.
            throw new OptionsValidationException(nameof(BlindAIServerOptions), typeof(BlindAIServerOptions), [exception.Message]);
        }

        List<string> failures = [.. ConfigurationKeyValidator.Validate(configuration, snapshot), .. BlindAIServerOptionsValidator.Instance.Validate(null, snapshot).Failures ?? []];
        PccsCollateralConnection? pccs = failures.Count == 0 && snapshot.CollateralSource == CollateralSourceKind.Pccs
            ? PccsCollateralConnection.Load(snapshot, Collateral(configuration).GetSection(ConfigurationKeyValidator.PccsSection), failures)
            : null;
        ThrowIfAny(failures);
        services.AddOptions<BlindAIServerOptions>().Bind(configuration);
        return AddServer(services, snapshot, pccs, configuration);
    }

    private static IServiceCollection AddServer(IServiceCollection services, BlindAIServerOptions snapshot, PccsCollateralConnection? pccs, IConfiguration? section)
    {
        services.AddOptions<BlindAIServerOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BlindAIServerOptions>>(BlindAIServerOptionsValidator.Instance));
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<HostOptions>().Configure<IOptions<BlindAIServerOptions>>((host, server) => host.ShutdownTimeout = server.Value.ShutdownTimeout);
        AddCollateral(services, snapshot, pccs, section);
        AddEvidence(services, snapshot, section);
        AddInference(services, section);
        services.AddSingleton<HostMetrics>();
        services.AddSingleton<ListenerEndpoints>();
        services.AddSingleton<ShutdownState>();
        services.AddSingleton<MappedRoutes>();
        services.AddRequestLimits();

        // Before the renewal service: the identity exists before anything renews it, and before Kestrel opens a port.
        services.AddHostedService<ServerStartup>();
        services.AddHostedService(sp => new CertificateRenewalService(
            sp.GetRequiredService<ServerIdentity>(),
            sp.GetRequiredService<IOptions<BlindAIServerOptions>>().Value.CertificateRenewalFraction,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<CertificateRenewalService>>()));
        return services;
    }

    private static void AddCollateral(IServiceCollection services, BlindAIServerOptions snapshot, PccsCollateralConnection? pccs, IConfiguration? section)
    {
        switch (snapshot.CollateralSource)
        {
            case CollateralSourceKind.IntelPcs:
                services.AddIntelPcsCollateralProvider(pcs => section?.GetSection(ConfigurationKeyValidator.CollateralSection).GetSection(ConfigurationKeyValidator.IntelPcsSection).Bind(pcs));
                break;
            case CollateralSourceKind.Pccs:
                IHttpClientBuilder client = services.AddPccsCollateralProvider(options =>
                {
                    section?.GetSection(ConfigurationKeyValidator.CollateralSection).GetSection(ConfigurationKeyValidator.PccsSection).Bind(options);
                    pccs?.Configure(options);
                });
                if (pccs is { PinsCertificate: true })
                {
                    // Replaces the registration's handler: the last primary handler configured is the one used.
                    client.ConfigurePrimaryHttpMessageHandler(pccs.CreateHandler);
                }

                break;
            case CollateralSourceKind.None when snapshot.Simulation:
                // The simulated platform signs its own collateral, behind the same one cache as a real source, unless
                // the application registered a provider of its own.
                services.TryAddSingleton<ICollateralProvider>(sp => new CachingCollateralProvider(
                    sp.GetRequiredService<SimulationPlatform>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<CachingCollateralProvider>>()));
                break;
        }
    }

    private static void AddEvidence(IServiceCollection services, BlindAIServerOptions snapshot, IConfiguration? section)
    {
        string dataDirectory = Path.GetFullPath(snapshot.DataDirectory);
        if (snapshot.Simulation)
        {
            // INSECURE, and loudly so: the simulated platform is registered here, by name, and never selected by the
            // enclave package. Registered before AddBlindAIEnclave, whose own selection (TryAdd) then stands aside.
            services.AddSingleton(sp =>
            {
                SimulationPlatform simulation = SimulationPlatform.Open(snapshot.DataDirectory, snapshot.SimulationTee, sp.GetRequiredService<TimeProvider>());
                HostLog.SimulationWarning(Logger(sp), simulation.Directory, simulation.RootCertificatePath);
                return simulation;
            });
            services.AddSingleton<IQuoteProvider>(sp =>
            {
                SimulationPlatform simulation = sp.GetRequiredService<SimulationPlatform>();
                return new SimulatedQuoteProvider(simulation.Platform, simulation.QuoteFormat);
            });
        }
        else
        {
            services.TryAddSingleton<IQuoteProvider>(sp =>
            {
                try
                {
                    return QuoteProviderSelector.Create(sp.GetRequiredService<IOptions<BlindAIEnclaveOptions>>().Value, sp.GetRequiredService<ILoggerFactory>());
                }
                catch (EvidenceException exception)
                {
                    HostLog.NoQuoteProvider(Logger(sp), exception.Reason, exception);
                    throw;
                }
            });
        }

        services.AddBlindAIEnclave(enclave =>
        {
            section?.GetSection(ConfigurationKeyValidator.EnclaveSection).Bind(enclave);
            if (snapshot.Simulation)
            {
                enclave.QuoteProvider = QuoteProviderKind.Simulation;
                enclave.SimulationDirectory = Path.Combine(dataDirectory, SimulationPlatform.DirectoryName);
                enclave.SealingKey = SealingKeyKind.SimulationFile;
                enclave.SealingKeyFile = Path.Combine(dataDirectory, SimulationPlatform.DirectoryName, "sealing.key");
            }
        });
        services.AddSingleton(sp => new EvidencePlatform(sp.GetRequiredService<IQuoteProvider>(), sp.GetService<ICollateralProvider>()));
        services.AddSingleton(sp => new ServerIdentity(
            sp.GetRequiredService<RaTlsCertificateBuilder>(),
            sp.GetRequiredService<IQuoteProvider>(),
            sp.GetRequiredService<IOptions<BlindAIEnclaveOptions>>().Value.Certificate,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ServerIdentity>>()));
    }

    private static void AddInference(IServiceCollection services, IConfiguration? section)
    {
        services.AddSingleton<SelectedModelRepository>();
        services.AddSingleton<IModelRepository>(sp => sp.GetRequiredService<SelectedModelRepository>());
        services.AddBlindAIInference(engine => section?.GetSection(ConfigurationKeyValidator.InferenceSection).Bind(engine));
        services.AddSingleton<ModelStore>();
    }

    private static IConfigurationSection Collateral(IConfiguration section) => section.GetSection(ConfigurationKeyValidator.CollateralSection);

    private static ILogger Logger(IServiceProvider services) => services.GetRequiredService<ILoggerFactory>().CreateLogger("BlindAI.Server");

    private static void ThrowIfAny(List<string> failures)
    {
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(nameof(BlindAIServerOptions), typeof(BlindAIServerOptions), failures);
        }
    }
}
