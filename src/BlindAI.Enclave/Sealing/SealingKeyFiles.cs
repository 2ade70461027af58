namespace BlindAI.Enclave.Sealing;

/// <summary>Reads raw key files with a length check.</summary>
internal static class SealingKeyFiles
{
    public static async Task<byte[]> ReadKeyAsync(string path, int[] allowedLengths, string what, CancellationToken cancellationToken)
    {
        byte[] key;
        try
        {
            key = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SealingException(EnclaveErrorReason.SealingKeyUnavailable, $"The {what} {path} does not exist.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SealingException(EnclaveErrorReason.SealingKeyUnavailable, $"The {what} {path} cannot be read: {e.Message}", e);
        }

        if (Array.IndexOf(allowedLengths, key.Length) < 0)
        {
            int length = key.Length;
            Array.Clear(key);
            throw new SealingException(EnclaveErrorReason.InvalidSealingKey, $"The {what} {path} is {length} bytes; expected {string.Join(" or ", allowedLengths)}.");
        }

        return key;
    }
}
