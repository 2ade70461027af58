using System.Buffers.Text;
using System.Text;

namespace BlindAI.Cli.Input;

/// <summary>
/// Reads evidence files that people pass around in several encodings: raw binary, hex text
/// (optionally <c>0x</c>-prefixed, whitespace allowed) or base64 text.
/// </summary>
internal static class BinaryInput
{
    /// <summary>Reads a file and decodes it if it is text.</summary>
    /// <exception cref="InvalidDataException">The file is empty, or text but neither hex nor base64.</exception>
    public static async Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        byte[] raw = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return Decode(raw);
    }

    /// <summary>Decodes hex, 0x-hex or base64 text; returns anything else unchanged as binary.</summary>
    /// <exception cref="InvalidDataException">The input is empty, or text but neither hex nor base64.</exception>
    public static byte[] Decode(byte[] raw)
    {
        if (raw.Length == 0)
        {
            // Nothing was read: an input problem (wrong file), not evidence that fails verification.
            throw new InvalidDataException("The input is empty.");
        }

        if (!IsText(raw))
        {
            return raw;
        }

        string text = RemoveWhitespace(Encoding.ASCII.GetString(raw));
        if (text.Length == 0)
        {
            throw new InvalidDataException("The input is empty.");
        }

        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return DecodeHex(text[2..]) ?? throw new InvalidDataException("The input starts with 0x but is not valid hex.");
        }

        if (DecodeHex(text) is { } hex)
        {
            return hex;
        }

        byte[] buffer = new byte[Base64.GetMaxDecodedFromUtf8Length(text.Length)];
        if (Convert.TryFromBase64String(text, buffer, out int written))
        {
            return buffer[..written];
        }

        throw new InvalidDataException("The input is text, but neither hex, 0x-hex nor base64.");
    }

    private static byte[]? DecodeHex(string text)
    {
        if (text.Length % 2 != 0 || !text.All(char.IsAsciiHexDigit))
        {
            return null;
        }

        return Convert.FromHexString(text);
    }

    // Printable ASCII and whitespace only: a binary quote starts with a 2-byte little-endian version and is never all-text.
    private static bool IsText(byte[] raw) =>
        raw.Length > 0 && raw.All(b => b is >= 0x20 and < 0x7f or (byte)'\r' or (byte)'\n' or (byte)'\t');

    private static string RemoveWhitespace(string text) =>
        string.Create(text.Count(c => !char.IsWhiteSpace(c)), text, static (span, source) =>
        {
            int i = 0;
            foreach (char c in source)
            {
                if (!char.IsWhiteSpace(c))
                {
                    span[i++] = c;
                }
            }
        });
}
