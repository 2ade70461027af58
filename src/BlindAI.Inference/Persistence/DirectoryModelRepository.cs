using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace BlindAI.Inference.Persistence;

/// <summary>
/// Keeps models in one directory, each as two protected files named only by the model id in 32 hexadecimal digits:
/// <c>&lt;id&gt;.meta</c> (the record) and <c>&lt;id&gt;.model</c> (the bytes). Both are protected by an
/// <see cref="IBlobProtector"/> with associated data <c>blindai-model:&lt;id&gt;&lt;part&gt;</c> (ASCII; the id in 32
/// hexadecimal digits, the part <c>.meta</c> or <c>.model</c>), so a blob renamed to another id or part is refused.
/// File names never come from caller text, so no path can leave the directory; other files, and links, are ignored.
/// </summary>
internal sealed class DirectoryModelRepository : IModelRepository
{
    private const string MetaExtension = ".meta", ModelExtension = ".model";
    private readonly string _directory;
    private readonly IBlobProtector _protector;

    /// <summary>Creates a repository, creating the directory when it does not exist.</summary>
    /// <param name="directory">The directory that holds the models.</param>
    /// <param name="protector">Protects every file written.</param>
    public DirectoryModelRepository(string directory, IBlobProtector protector)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(protector);
        _directory = Path.GetFullPath(directory);
        _protector = protector;
        Directory.CreateDirectory(_directory);
    }

    /// <inheritdoc/>
    public async Task SaveAsync(StoredModel model, ReadOnlyMemory<byte> modelBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        byte[] meta = JsonSerializer.SerializeToUtf8Bytes(StoredModelFile.From(model), StoredModelJson.Default.StoredModelFile);

        // The model first, the record last: a listed record always has its bytes. A save cut short (cancelled, disk
        // full) leaves no file behind: it was never listed, and nothing else would ever remove it.
        try
        {
            byte[] sealedModel = await _protector.ProtectAsync(modelBytes, AssociatedData(model.Id, ModelExtension), cancellationToken).ConfigureAwait(false);
            await WriteAtomicallyAsync(model.Id, ModelExtension, sealedModel, cancellationToken).ConfigureAwait(false);
            byte[] sealedMeta = await _protector.ProtectAsync(meta, AssociatedData(model.Id, MetaExtension), cancellationToken).ConfigureAwait(false);
            await WriteAtomicallyAsync(model.Id, MetaExtension, sealedMeta, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            foreach (string path in (string[])[PathOf(model.Id, MetaExtension), PathOf(model.Id, ModelExtension), PathOf(model.Id, MetaExtension) + ".tmp", PathOf(model.Id, ModelExtension) + ".tmp"])
            {
                DeleteQuietly(path);
            }

            throw;
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original failure is what the caller must see.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<Guid>> ListAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var ids = new List<Guid>();
        foreach (string path in Directory.EnumerateFiles(_directory, "*" + MetaExtension))
        {
            if (TryParseId(Path.GetFileName(path), MetaExtension, out Guid id) && !IsLink(path))
            {
                ids.Add(id);
            }
        }

        return Task.FromResult<IReadOnlyList<Guid>>(ids);
    }

    /// <inheritdoc/>
    public async Task<StoredModel?> ReadRecordAsync(Guid modelId, CancellationToken cancellationToken = default)
    {
        string path = PathOf(modelId, MetaExtension);
        if (!File.Exists(path) || IsLink(path))
        {
            return null;
        }

        byte[] blob = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        byte[] meta = await _protector.UnprotectAsync(blob, AssociatedData(modelId, MetaExtension), cancellationToken).ConfigureAwait(false);
        StoredModel model = (JsonSerializer.Deserialize(meta, StoredModelJson.Default.StoredModelFile)
            ?? throw new CryptographicException($"The record of model {modelId} is empty.")).ToModel();
        return model.Id == modelId ? model : throw new CryptographicException($"The record of model {modelId} names another model id.");
    }

    /// <inheritdoc/>
    public async Task<byte[]?> ReadAsync(Guid modelId, CancellationToken cancellationToken = default)
    {
        string path = PathOf(modelId, ModelExtension);
        if (!File.Exists(path) || IsLink(path))
        {
            return null;
        }

        byte[] blob = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return await _protector.UnprotectAsync(blob, AssociatedData(modelId, ModelExtension), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(Guid modelId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string meta = PathOf(modelId, MetaExtension);
        bool existed = File.Exists(meta);
        File.Delete(meta);
        File.Delete(PathOf(modelId, ModelExtension));
        return Task.FromResult(existed);
    }

    private string PathOf(Guid id, string extension) => Path.Combine(_directory, id.ToString("N", CultureInfo.InvariantCulture) + extension);

    private async Task WriteAtomicallyAsync(Guid id, string extension, byte[] content, CancellationToken cancellationToken)
    {
        string target = PathOf(id, extension);
        string temporary = target + ".tmp";

        // A leftover or planted file (or link) under the temporary name is removed, never written through: the new
        // file is created exclusively, so the sealed bytes cannot land wherever a link points.
        File.Delete(temporary);
        var stream = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous });
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temporary, target, overwrite: true);
    }

    private static bool TryParseId(string fileName, string extension, out Guid id)
    {
        id = Guid.Empty;
        return fileName.Length == 32 + extension.Length
            && fileName.EndsWith(extension, StringComparison.Ordinal)
            && fileName[..32].All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c))
            && Guid.TryParseExact(fileName[..32], "N", out id);
    }

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    private static byte[] AssociatedData(Guid id, string part) =>
        Encoding.ASCII.GetBytes("blindai-model:" + id.ToString("N", CultureInfo.InvariantCulture) + part);
}
