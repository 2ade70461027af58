using BlindAI.Inference.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BlindAI.Inference;

/// <summary>Registers the inference engine with dependency injection.</summary>
public static class InferenceServiceCollectionExtensions
{
    /// <summary>
    /// Registers the ONNX Runtime engine as the singleton <see cref="IInferenceEngine"/>, its options (validated at
    /// start-up), and <see cref="IModelRepository.CreateInMemory"/> as <see cref="IModelRepository"/> unless one is
    /// registered already (register <see cref="IModelRepository.CreateDirectory"/> to keep models across restarts).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the options, or <see langword="null"/>.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddBlindAIInference(this IServiceCollection services, Action<InferenceEngineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<InferenceEngineOptions> options = services.AddOptions<InferenceEngineOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InferenceEngineOptions>, InferenceEngineOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IModelRepository, InMemoryModelRepository>();
        services.TryAddSingleton<OnnxInferenceEngine>();
        services.TryAddSingleton<IInferenceEngine>(sp => sp.GetRequiredService<OnnxInferenceEngine>());
        return services;
    }
}
