using BlindAI.Inference;
using BlindAI.Inference.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlindAI.Testing;

public static class Engines
{
    public static OnnxInferenceEngine Create(
        Action<InferenceEngineOptions>? configure = null,
        IModelRepository? repository = null,
        ILogger<OnnxInferenceEngine>? logger = null)
    {
        var options = new InferenceEngineOptions { IntraOpThreads = 1 };
        configure?.Invoke(options);
        return new OnnxInferenceEngine(
            Options.Create(options),
            repository ?? new InMemoryModelRepository(),
            logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<OnnxInferenceEngine>.Instance,
            TimeProvider.System);
    }
}
