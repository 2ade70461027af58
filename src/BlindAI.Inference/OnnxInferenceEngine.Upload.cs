using System.Buffers;
using System.Security.Cryptography;
using BlindAI.Inference.Persistence;
using BlindAI.Inference.Runtime;
using BlindAI.Protocol.Messages;
using Microsoft.ML.OnnxRuntime;

namespace BlindAI.Inference;

internal sealed partial class OnnxInferenceEngine
{
    private static readonly ModelUploadOptions DefaultUploadOptions = new();

    /// <inheritdoc/>
    public Task<ModelInfo> UploadAsync(ReadOnlyMemory<byte> model, ModelUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        CheckModelSize(model.Length);

        // Copied once (a cold path): the engine and the repository must own bytes the caller cannot change afterwards.
        return RegisterAsync(model.ToArray(), options ?? DefaultUploadOptions, restored: null, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<ModelInfo> UploadFromStreamAsync(Stream model, ModelUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        byte[] bytes = model.CanSeek
            ? await ReadKnownLengthAsync(model, cancellationToken).ConfigureAwait(false)
            : await ReadLimitedAsync(model, cancellationToken).ConfigureAwait(false);
        return await RegisterAsync(bytes, options ?? DefaultUploadOptions, restored: null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ModelInfo>> RestoreAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<Guid> stored;
        try
        {
            stored = await _repository.ListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InferenceException(InferenceErrorReason.StorageFailed, "The model repository could not be listed.", e);
        }

        var restored = new List<ModelInfo>();
        foreach (Guid id in stored)
        {
            if (TryGetModel(new ModelId(id), out _))
            {
                continue;
            }

            try
            {
                StoredModel? record = await _repository.ReadRecordAsync(id, cancellationToken).ConfigureAwait(false);
                byte[]? bytes = record is null ? null : await _repository.ReadAsync(id, cancellationToken).ConfigureAwait(false);
                if (record is null || bytes is null)
                {
                    LogRestoreSkipped(id, "listed but not readable");
                    continue;
                }

                if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(bytes)), record.Sha256, StringComparison.Ordinal))
                {
                    LogRestoreSkipped(record.Id, "the stored bytes do not match the recorded SHA-256");
                    continue;
                }

                CheckModelSize(bytes.LongLength);
                restored.Add(await RegisterAsync(bytes, new ModelUploadOptions { Name = record.Name, Optimize = record.Optimize }, record, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is CryptographicException or InferenceException or IOException or System.Text.Json.JsonException)
            {
                LogRestoreSkipped(id, e.Message);
            }
        }

        LogRestored(restored.Count);
        return restored;
    }

    private void CheckModelSize(long length)
    {
        if (length > _options.MaxModelBytes)
        {
            throw Refused(new InferenceException(InferenceErrorReason.ModelTooLarge, $"The model exceeds the {_options.MaxModelBytes}-byte limit.")
            {
                Expected = $"at most {_options.MaxModelBytes} bytes",
                Actual = $"{length} bytes",
            });
        }
    }

    /// <summary>Reads a seekable stream into one array of its announced length, refusing it before reading when that is over the limit.</summary>
    private async Task<byte[]> ReadKnownLengthAsync(Stream stream, CancellationToken cancellationToken)
    {
        long length = stream.Length - stream.Position;
        CheckModelSize(length);
        var bytes = new byte[length];
        try
        {
            await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException e)
        {
            throw Refused(new InferenceException(InferenceErrorReason.InvalidModel, "The stream ended before its announced length.", e));
        }

        if (await stream.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) != 0)
        {
            throw Refused(new InferenceException(InferenceErrorReason.InvalidModel, "The stream grew while the model was read."));
        }

        return bytes;
    }

    /// <summary>Reads a stream to its end, refusing it as soon as it passes the model size limit.</summary>
    private async Task<byte[]> ReadLimitedAsync(Stream stream, CancellationToken cancellationToken)
    {
        long limit = _options.MaxModelBytes;
        using var buffer = new MemoryStream();
        byte[] chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            // Never ask for more than one byte past the limit: that byte is enough to know the model is too large.
            while ((read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length + 1)), cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw Refused(new InferenceException(InferenceErrorReason.ModelTooLarge, $"The model exceeds the {limit}-byte limit.")
                    {
                        Expected = $"at most {limit} bytes",
                        Actual = $"more than {limit} bytes",
                    });
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    /// <summary>Loads (or shares) the session for <paramref name="bytes"/>, stores a new model, and makes its id visible.</summary>
    private async Task<ModelInfo> RegisterAsync(byte[] bytes, ModelUploadOptions options, StoredModel? restored, CancellationToken cancellationToken)
    {
        if (bytes.Length == 0)
        {
            throw Refused(new InferenceException(InferenceErrorReason.InvalidModel, "Received no data."));
        }

        var hash = ModelHash.Compute(bytes);
        string sha256 = hash.ToString();
        (LoadedModel model, bool shared) = AddIdReference(sha256) is { } existing ? (existing, true) : (LoadSession(bytes, sha256, options.Optimize), false);
        var info = new ModelInfo
        {
            Id = new ModelId(restored?.Id ?? Guid.NewGuid()),
            Hash = hash,
            Name = string.IsNullOrEmpty(options.Name) ? null : options.Name,
            SizeBytes = bytes.LongLength,
            Optimize = options.Optimize,
            UploadedAt = restored?.UploadedAt ?? _time.GetUtcNow(),
            Inputs = model.Inputs,
            Outputs = model.Outputs,
        };

        try
        {
            if (restored is null)
            {
                var record = new StoredModel { Id = info.Id.Value, Sha256 = sha256, Name = info.Name, Optimize = info.Optimize, UploadedAt = info.UploadedAt };
                await _repository.SaveAsync(record, bytes, cancellationToken).ConfigureAwait(false);
            }

            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                _models.Add(info.Id.Value, (info, model));
            }
        }
        catch (Exception e)
        {
            Release(model, idReference: true);
            if (e is OperationCanceledException or ObjectDisposedException)
            {
                throw;
            }

            throw Refused(new InferenceException(InferenceErrorReason.StorageFailed, "The model could not be stored.", e));
        }

        LogModelLoaded(info.Id.Value, sha256[..12], info.SizeBytes, shared);
        return info;
    }

    /// <summary>Takes an id reference on an already loaded session with this hash, if any.</summary>
    private LoadedModel? AddIdReference(string sha256)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_byHash.TryGetValue(sha256, out LoadedModel? model))
            {
                return null;
            }

            model.IdReferences++;
            model.References++;
            return model;
        }
    }

    /// <summary>Creates a session outside the lock; if another upload of the same bytes won the race, shares its session instead.</summary>
    private LoadedModel LoadSession(byte[] bytes, string sha256, bool optimize)
    {
        HashSet<string> shapeless;
        InferenceSession session;
        try
        {
            shapeless = OnnxModelScanner.Scan(bytes);
            session = new InferenceSession(bytes, optimize ? _optimizedSessionOptions : _plainSessionOptions);
        }
        catch (InferenceException e)
        {
            throw Refused(e);
        }
        catch (OnnxRuntimeException e)
        {
            throw Refused(new InferenceException(InferenceErrorReason.InvalidModel, "ONNX Runtime cannot load the model: " + e.Message, e));
        }

        LoadedModel loaded;
        try
        {
            loaded = LoadedModel.Create(session, sha256, shapeless, _options.MaxConcurrentRunsPerModel);
        }
        catch (InferenceException e)
        {
            session.Dispose();
            throw Refused(e);
        }

        lock (_gate)
        {
            if (_disposed)
            {
                loaded.Session.Dispose();
                loaded.Slots.Dispose();
                throw new ObjectDisposedException(nameof(OnnxInferenceEngine));
            }

            if (_byHash.TryGetValue(sha256, out LoadedModel? winner))
            {
                winner.IdReferences++;
                winner.References++;
                loaded.Session.Dispose();
                loaded.Slots.Dispose();
                return winner;
            }

            loaded.IdReferences = 1;
            loaded.References = 1;
            _byHash[sha256] = loaded;
            return loaded;
        }
    }

    private InferenceException Refused(InferenceException e)
    {
        LogUploadRefused(e.Reason, e.Message);
        return e;
    }
}
