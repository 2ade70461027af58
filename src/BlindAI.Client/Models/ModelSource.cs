namespace BlindAI.Client.Models;

/// <summary>An ONNX model to upload: a file, a stream or bytes.</summary>
public sealed class ModelSource
{
    private readonly Func<CancellationToken, Task<byte[]>> _read;

    private ModelSource(string? defaultName, Func<CancellationToken, Task<byte[]>> read)
    {
        DefaultName = defaultName;
        _read = read;
    }

    /// <summary>The name used when <see cref="UploadModelOptions.Name"/> is not set (a file's name).</summary>
    public string? DefaultName { get; }

    /// <summary>A model file.</summary>
    /// <param name="path">The <c>.onnx</c> file.</param>
    /// <returns>The source.</returns>
    public static ModelSource FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new ModelSource(Path.GetFileName(path), ct => File.ReadAllBytesAsync(path, ct));
    }

    /// <summary>A model read from a stream (read to its end when uploading; not disposed).</summary>
    /// <param name="stream">The readable stream.</param>
    /// <returns>The source.</returns>
    public static ModelSource FromStream(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The model stream is not readable.", nameof(stream));
        }

        return new ModelSource(null, async ct =>
        {
            using var buffer = stream.CanSeek ? new MemoryStream(checked((int)Math.Max(0, stream.Length - stream.Position))) : new MemoryStream();
            await stream.CopyToAsync(buffer, ct).ConfigureAwait(false);
            return buffer.ToArray();
        });
    }

    /// <summary>A model in memory (copied when uploading).</summary>
    /// <param name="model">The model bytes.</param>
    /// <returns>The source.</returns>
    public static ModelSource FromBytes(ReadOnlyMemory<byte> model) => new(null, _ => Task.FromResult(model.ToArray()));

    internal Task<byte[]> ReadAsync(CancellationToken cancellationToken) => _read(cancellationToken);
}
