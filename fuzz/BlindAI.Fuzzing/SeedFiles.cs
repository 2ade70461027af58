using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace BlindAI.Fuzzing;

/// <summary>Reads the shared test vectors into seed inputs.</summary>
internal static class SeedFiles
{
    /// <summary>The bytes of a test-data file.</summary>
    /// <param name="testData">The shared test-data directory.</param>
    /// <param name="parts">Path below it.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Read(string testData, params string[] parts) => File.ReadAllBytes(Path.Combine([testData, .. parts]));

    /// <summary>A hex text file (optionally <c>0x</c>-prefixed) as bytes.</summary>
    /// <param name="testData">The shared test-data directory.</param>
    /// <param name="parts">Path below it.</param>
    /// <returns>The decoded bytes.</returns>
    public static byte[] ReadHex(string testData, params string[] parts)
    {
        string text = File.ReadAllText(Path.Combine([testData, .. parts])).Trim();
        return Convert.FromHexString(text.StartsWith("0x", StringComparison.Ordinal) ? text[2..] : text);
    }

    /// <summary>Every certificate of a PEM file, as DER.</summary>
    /// <param name="testData">The shared test-data directory.</param>
    /// <param name="parts">Path below it.</param>
    /// <returns>The DER certificates.</returns>
    public static IEnumerable<byte[]> PemCertificates(string testData, params string[] parts)
    {
        string text = File.ReadAllText(Path.Combine([testData, .. parts]));
        ReadOnlySpan<char> rest = text;
        var result = new List<byte[]>();
        while (PemEncoding.TryFind(rest, out PemFields fields))
        {
            if (rest[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                result.Add(Convert.FromBase64String(rest[fields.Base64Data].ToString()));
            }

            rest = rest[fields.Location.End..];
        }

        return result;
    }

    /// <summary>The exact text of a property of a JSON object (the signed inner object of a PCS response).</summary>
    /// <param name="json">The outer document.</param>
    /// <param name="property">The property name.</param>
    /// <returns>Its raw UTF-8 text.</returns>
    public static byte[] RawProperty(byte[] json, string property)
    {
        using var document = JsonDocument.Parse(json);
        return Encoding.UTF8.GetBytes(document.RootElement.GetProperty(property).GetRawText());
    }

    /// <summary>A string property of a JSON object.</summary>
    /// <param name="json">The document.</param>
    /// <param name="property">The property name.</param>
    /// <returns>Its value.</returns>
    public static string StringProperty(byte[] json, string property)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty(property).GetString() ?? string.Empty;
    }
}
