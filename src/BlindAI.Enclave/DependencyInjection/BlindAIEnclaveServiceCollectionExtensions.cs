using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.RaTls;
using BlindAI.Enclave.Sealing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BlindAI.Enclave.DependencyInjection;

/// <summary>Registers the enclave-side services.</summary>
public static class BlindAIEnclaveServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IQuoteProvider"/> (chosen by <see cref="QuoteProviderSelector"/>),
    /// <see cref="RaTlsCertificateBuilder"/>, <see cref="FreshQuoteService"/>, <see cref="ISealingKeyProvider"/> and
    /// <see cref="SealedBlobProtector"/>, with <see cref="BlindAIEnclaveOptions"/> validated on start.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddBlindAIEnclave(this IServiceCollection services, Action<BlindAIEnclaveOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<BlindAIEnclaveOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BlindAIEnclaveOptions>, BlindAIEnclaveOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => QuoteProviderSelector.Create(Options(sp), LoggerFactory(sp)));
        services.TryAddSingleton(sp => new RaTlsCertificateBuilder(
            sp.GetRequiredService<IQuoteProvider>(),
            sp.GetRequiredService<TimeProvider>(),
            LoggerFactory(sp).CreateLogger<RaTlsCertificateBuilder>()));
        services.TryAddSingleton(sp => new FreshQuoteService(sp.GetRequiredService<IQuoteProvider>(), LoggerFactory(sp).CreateLogger<FreshQuoteService>()));
        services.TryAddSingleton<ISealingKeyProvider>(sp => CreateSealingKeyProvider(Options(sp)));
        services.TryAddSingleton(sp => new SealedBlobProtector(sp.GetRequiredService<ISealingKeyProvider>(), LoggerFactory(sp).CreateLogger<SealedBlobProtector>()));
        return services;
    }

    private static BlindAIEnclaveOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<BlindAIEnclaveOptions>>().Value;

    private static ILoggerFactory LoggerFactory(IServiceProvider services) => services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;

    private static ISealingKeyProvider CreateSealingKeyProvider(BlindAIEnclaveOptions options) => options.SealingKey switch
    {
        SealingKeyKind.SimulationFile => new FileSealingKeyProvider(new FileSealingKeyProviderOptions { KeyFile = options.SealingKeyFile!, CreateIfMissing = true }),
        _ => new GramineSealingKeyProvider(new GramineSealingKeyProviderOptions { AttestationRoot = options.GramineAttestationRoot, Kind = options.SealingKey }),
    };
}
