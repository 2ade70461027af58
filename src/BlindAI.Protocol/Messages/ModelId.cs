using System.Diagnostics.CodeAnalysis;

namespace BlindAI.Protocol.Messages;

/// <summary>
/// The identifier the server gives an uploaded model: a UUID, written on the wire in lowercase hyphenated form
/// (as the original server's <c>Uuid::to_string</c>). Distinct from <see cref="ModelHash"/> so the two cannot be mixed up.
/// </summary>
/// <param name="Value">The UUID.</param>
public readonly record struct ModelId(Guid Value)
{
    private const string UrnPrefix = "urn:uuid:";

    /// <summary>Creates a new random (version 4) model id.</summary>
    /// <returns>The id.</returns>
    public static ModelId NewId() => new(Guid.NewGuid());

    /// <summary>
    /// Parses a model id in any form the original server's <c>uuid</c> crate accepts: hyphenated, 32 hex digits,
    /// braced, or <c>urn:uuid:</c>, in upper or lower case.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="id">The id when parsing succeeds.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a UUID.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out ModelId id)
    {
        id = default;
        if (string.IsNullOrEmpty(text) || text.Length > 45)
        {
            return false;
        }

        ReadOnlySpan<char> span = text;
        if (span.StartsWith(UrnPrefix, StringComparison.OrdinalIgnoreCase))
        {
            span = span[UrnPrefix.Length..];
            if (span.Length != 36)
            {
                return false;
            }
        }

        string? format = span.Length switch { 36 => "D", 32 => "N", 38 => "B", _ => null };
        if (format is null || !Guid.TryParseExact(span, format, out Guid guid))
        {
            return false;
        }

        id = new ModelId(guid);
        return true;
    }

    /// <summary>Parses a model id (see <see cref="TryParse"/>).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The id.</returns>
    /// <exception cref="FormatException"><paramref name="text"/> is not a UUID.</exception>
    public static ModelId Parse(string text) =>
        TryParse(text, out ModelId id) ? id : throw new FormatException("A model id must be a UUID.");

    /// <summary>The lowercase hyphenated form, for example <c>0f8fad5b-d9cb-469f-a165-70867728950e</c>.</summary>
    /// <returns>The wire form.</returns>
    public override string ToString() => Value.ToString("D");
}
