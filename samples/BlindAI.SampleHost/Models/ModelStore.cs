using BlindAI.Enclave.Sealing;
using BlindAI.Inference;
using BlindAI.Inference.Persistence;
using BlindAI.SampleHost.Configuration;
using BlindAI.SampleHost.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlindAI.SampleHost.Models;

/// <summary>
/// Opens the model store at start-up: with a sealing key (Gramine's MRENCLAVE/MRSIGNER key, or the simulation key file)
/// models are kept AES-GCM sealed under <c>&lt;data-dir&gt;/models</c> and restored on the next start; without one
/// they live in memory only, as in the original server.
/// </summary>
internal sealed class ModelStore : IDisposable
{
    private readonly SelectedModelRepository _repository;
    private readonly IInferenceEngine _engine;
    private readonly IServiceProvider _services;
    private readonly SampleHostOptions _options;
    private readonly ILogger _logger;
    private AesGcmBlobProtector? _protector;

    public ModelStore(SelectedModelRepository repository, IInferenceEngine engine, IServiceProvider services, IOptions<SampleHostOptions> options, ILogger<ModelStore> logger)
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

        byte[] key;
        try
        {
            ISealingKeyProvider keys = (ISealingKeyProvider)_services.GetService(typeof(ISealingKeyProvider))!;
            key = await keys.GetKeyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SealingException exception)
        {
            HostLog.SealingUnavailable(_logger, exception.Reason.ToString());
            return;
        }

        _protector = new AesGcmBlobProtector(key);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
        _repository.Select(new DirectoryModelRepository(Directory, _protector));
        IReadOnlyList<ModelInfo> restored = await _engine.RestoreAsync(cancellationToken).ConfigureAwait(false);
        HostLog.ModelsRestored(_logger, Directory, restored.Count);
    }

    public void Dispose() => _protector?.Dispose();
}
