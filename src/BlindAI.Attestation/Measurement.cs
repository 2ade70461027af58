using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace BlindAI.Attestation;

/// <summary>
/// An immutable byte string taken from attestation evidence: a measurement (MRENCLAVE, MRSIGNER, MRTD, RTMR),
/// report data, a security version vector (CPUSVN, TEE_TCB_SVN) or a platform identifier (FMSPC, PCE-ID).
/// Written as lowercase hexadecimal; equality runs in constant time for equal lengths so that comparing
/// secrets or expected values never leaks how many leading bytes matched.
/// </summary>
public readonly struct Measurement : IEquatable<Measurement>
{
    private readonly ReadOnlyMemory<byte> _bytes;

    private Measurement(ReadOnlyMemory<byte> bytes) => _bytes = bytes;

    /// <summary>The number of bytes.</summary>
    public int Length => _bytes.Length;

    /// <summary>The bytes, read-only.</summary>
    public ReadOnlySpan<byte> Span => _bytes.Span;

    /// <summary>The bytes, read-only.</summary>
    public ReadOnlyMemory<byte> Memory => _bytes;

    /// <summary>Whether every byte is zero (also true for an empty value). Runs in time that depends only on the length.</summary>
    public bool IsZero
    {
        get
        {
            int accumulator = 0;
            foreach (byte b in _bytes.Span)
            {
                accumulator |= b;
            }

            return accumulator == 0;
        }
    }

    /// <summary>Creates a measurement from a copy of <paramref name="bytes"/>.</summary>
    /// <param name="bytes">The bytes to copy.</param>
    /// <returns>The measurement.</returns>
    public static Measurement FromBytes(ReadOnlySpan<byte> bytes) => new(bytes.ToArray());

    /// <summary>Wraps memory that nobody will modify afterwards (slices of the parser's private copy).</summary>
    internal static Measurement Wrap(ReadOnlyMemory<byte> bytes) => new(bytes);

    /// <summary>Parses hexadecimal text (either case, an optional <c>0x</c> prefix, no separators).</summary>
    /// <param name="hex">The text.</param>
    /// <returns>The measurement.</returns>
    /// <exception cref="AttestationFormatException">The text is not an even number of hexadecimal digits (reason <see cref="AttestationFormatErrorReason.InvalidEncoding"/>).</exception>
    public static Measurement Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        return TryParse(hex, out Measurement value)
            ? value
            : throw new AttestationFormatException(AttestationFormatErrorReason.InvalidEncoding, "The value is not hexadecimal text with an even number of digits.");
    }

    /// <summary>Parses hexadecimal text (either case, an optional <c>0x</c> prefix, no separators).</summary>
    /// <param name="hex">The text.</param>
    /// <param name="value">The measurement, when the text is valid.</param>
    /// <returns>Whether the text is valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? hex, out Measurement value)
    {
        value = default;
        if (hex is null)
        {
            return false;
        }

        ReadOnlySpan<char> digits = hex.AsSpan();
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            digits = digits[2..];
        }

        if (digits.Length % 2 != 0)
        {
            return false;
        }

        byte[] bytes = new byte[digits.Length / 2];
        if (Convert.FromHexString(digits, bytes, out _, out int written) != System.Buffers.OperationStatus.Done || written != bytes.Length)
        {
            return false;
        }

        value = new Measurement(bytes);
        return true;
    }

    /// <summary>Copies the bytes into a new array.</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>The bytes as lowercase hexadecimal, no prefix.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Convert.ToHexStringLower(_bytes.Span);

    /// <summary>Compares the bytes in constant time (for equal lengths).</summary>
    /// <param name="other">The other value.</param>
    /// <returns>Whether both hold the same bytes.</returns>
    public bool Equals(Measurement other) => CryptographicOperations.FixedTimeEquals(_bytes.Span, other._bytes.Span);

    /// <summary>Compares with raw bytes in constant time (for equal lengths).</summary>
    /// <param name="other">The other bytes.</param>
    /// <returns>Whether both hold the same bytes.</returns>
    public bool Equals(ReadOnlySpan<byte> other) => CryptographicOperations.FixedTimeEquals(_bytes.Span, other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Measurement other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        HashCode hash = default;
        hash.AddBytes(_bytes.Span);
        return hash.ToHashCode();
    }

    /// <summary>Compares two values in constant time (for equal lengths).</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns>Whether both hold the same bytes.</returns>
    public static bool operator ==(Measurement left, Measurement right) => left.Equals(right);

    /// <summary>Compares two values in constant time (for equal lengths).</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns>Whether the values differ.</returns>
    public static bool operator !=(Measurement left, Measurement right) => !left.Equals(right);
}
