using BlindAI.Enclave.Sealing;
using BlindAI.Inference;
using BlindAI.Inference.Persistence;
using BlindAI.Server.Configuration;
using BlindAI.Server.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlindAI.Server.Models;

/// <summary>
/// Opens the model store at start-up: with a sealing key (Gramine's 16-byte MRENCLAVE/MRSIGNER key, or the 32-byte
/// simulation key file) models are kept sealed by <see cref="SealedBlobProtector"/> under <c>&lt;data-dir&gt;/models</c>
/// and restored on the next start; without one they live in memory only, as in the original server.
/// </summary>
internal sealed class ModelStore
{
    private static readonly byte[] ProbeAssociatedData = "blindai-model-store:start-up probe"u8.ToArray();

    private readonly SelectedModelRepository _repository;
    private readonly IInferenceEngine _engine;
    private readonly IServiceProvider _services;
    private readonly BlindAIServerOptions _options;
    private readonly ILogger _logger;

    public ModelStore(SelectedModelRepository repository, IInferenceEngine engine, IServiceProvider services, IOptions<BlindAIServerOptions> options, ILogger<ModelStore> logger)
    {
        _repository = repository;
        _engine = engine;
        _services = services;
        _options = options.Value;
        _logger = logger;
    }

    public string Directory => Path.Combine(Path.GetFullPath(_options.DataDirectory), "models");

    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        if (!_options.PersistModels)
        {
            HostLog.PersistenceDisabled(_logger);
            return;
        }

        // Resolved only when persistence is on: with it off, no key provider is ever made.
        SealedBlobProtector sealing = _services.GetRequiredService<SealedBlobProtector>();
        try
        {
            // One round trip through the whole path (key read and length, HKDF, AES-GCM) before anything is stored:
            // a key that cannot seal is found now, not at the first upload.
            byte[] probe = await sealing.SealAsync(ReadOnlyMemory<byte>.Empty, ProbeAssociatedData, cancellationToken).ConfigureAwait(false);
            await sealing.UnsealAsync(probe, ProbeAssociatedData, cancellationToken).ConfigureAwait(false);
        }
        catch (SealingException exception)
        {
            HostLog.SealingUnavailable(_logger, exception.Reason.ToString());
            return;
        }

        _repository.Select(IModelRepository.CreateDirectory(Directory, new SealedModelBlobProtector(sealing)));
        IReadOnlyList<ModelInfo> restored = await _engine.RestoreAsync(cancellationToken).ConfigureAwait(false);
        HostLog.ModelsRestored(_logger, Directory, restored.Count);
    }
}
