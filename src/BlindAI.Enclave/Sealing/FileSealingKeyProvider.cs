using System.Security.Cryptography;

namespace BlindAI.Enclave.Sealing;

/// <summary>A sealing key kept in a file, for the simulated platform. It protects nothing against whoever can read the file.</summary>
internal sealed class FileSealingKeyProvider : ISealingKeyProvider
{
    /// <summary>The length of a simulation key file: 32 bytes.</summary>
    public const int KeyLength = 32;

    private readonly FileSealingKeyProviderOptions _options;

    /// <summary>Creates the provider.</summary>
    /// <param name="options">The key file and whether to create it.</param>
    public FileSealingKeyProvider(FileSealingKeyProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.KeyFile);
        _options = options;
    }

    /// <inheritdoc />
    public SealingKeyKind Kind => SealingKeyKind.SimulationFile;

    /// <inheritdoc />
    public async Task<byte[]> GetKeyAsync(CancellationToken cancellationToken)
    {
        if (_options.CreateIfMissing && !File.Exists(_options.KeyFile))
        {
            CreateKeyFile(_options.KeyFile);
        }

        return await SealingKeyFiles.ReadKeyAsync(_options.KeyFile, allowedLengths: [KeyLength], "simulation sealing key", cancellationToken).ConfigureAwait(false);
    }

    private static void CreateKeyFile(string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        byte[] key = RandomNumberGenerator.GetBytes(KeyLength);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(path, options);
            stream.Write(key);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
