using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace BlindAI.Cli.Input;

/// <summary>Reads an X.509 certificate from a PEM or DER file.</summary>
internal static class CertificateInput
{
    /// <exception cref="InvalidDataException">The file holds no readable certificate.</exception>
    public static async Task<X509Certificate2> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            string? text = bytes.Length > 0 && bytes.All(b => b is >= 0x20 and < 0x7f or (byte)'\r' or (byte)'\n' or (byte)'\t')
                ? Encoding.ASCII.GetString(bytes)
                : null;
            return text is not null && text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromPem(text)
                : X509CertificateLoader.LoadCertificate(bytes);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidDataException($"{path} holds no readable X.509 certificate (PEM or DER): {ex.Message}", ex);
        }
    }
}
