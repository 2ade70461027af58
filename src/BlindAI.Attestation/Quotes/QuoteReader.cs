using System.Buffers.Binary;

namespace BlindAI.Attestation.Quotes;

/// <summary>
/// Reads little-endian fields from a quote without ever reading past a limit. Offsets are absolute
/// (from the start of the quote) so every error names the byte where the input went wrong. Every failure
/// is an <see cref="AttestationFormatException"/>; declared lengths are checked against the bytes
/// actually present before anything is sliced, so hostile lengths never cause allocations.
/// </summary>
internal ref struct QuoteReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _end;
    private readonly string? _container;
    private int _position;

    public QuoteReader(ReadOnlySpan<byte> data)
        : this(data, 0, data.Length, null)
    {
    }

    private QuoteReader(ReadOnlySpan<byte> data, int start, int end, string? container)
    {
        _data = data;
        _position = start;
        _end = end;
        _container = container;
    }

    /// <summary>The absolute offset of the next byte.</summary>
    public readonly int Offset => _position;

    /// <summary>How many bytes remain before the limit.</summary>
    public readonly int Remaining => _end - _position;

    public ushort ReadUInt16(string field) => BinaryPrimitives.ReadUInt16LittleEndian(_data.Slice(Take(sizeof(ushort), field), sizeof(ushort)));

    public uint ReadUInt32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(Take(sizeof(uint), field), sizeof(uint)));

    /// <summary>Skips <paramref name="length"/> bytes and returns the absolute offset where they start.</summary>
    public int Skip(int length, string field) => Take(length, field);

    /// <summary>Skips a block whose length was read from the input and returns its start offset.</summary>
    public int Skip(uint declaredLength, string field)
    {
        if (declaredLength > (uint)Remaining)
        {
            throw Truncated(field, declaredLength);
        }

        return Take((int)declaredLength, field);
    }

    /// <summary>
    /// Splits off a reader limited to the next <paramref name="declaredLength"/> bytes and advances past them,
    /// so a nested structure cannot read beyond the size its parent declared.
    /// </summary>
    public QuoteReader ReadNested(uint declaredLength, string field)
    {
        int start = Skip(declaredLength, field);
        return new QuoteReader(_data, start, start + (int)declaredLength, field);
    }

    /// <summary>Fails unless the limited region was consumed exactly.</summary>
    public readonly void EnsureConsumed(string structure)
    {
        if (_position != _end)
        {
            throw new AttestationFormatException(
                AttestationFormatErrorReason.InvalidLength,
                $"{structure} declares {Remaining} more byte(s) than its fields use.",
                _position);
        }
    }

    private int Take(int length, string field)
    {
        if (length > Remaining)
        {
            throw Truncated(field, (uint)length);
        }

        int start = _position;
        _position += length;
        return start;
    }

    // Running out of input is truncation; overrunning the size a parent structure declared is an inconsistent length.
    private readonly AttestationFormatException Truncated(string field, uint needed) =>
        _container is null
            ? new(AttestationFormatErrorReason.Truncated, $"The quote ends inside {field}: {needed} byte(s) needed, {Remaining} left.", _position)
            : new(AttestationFormatErrorReason.InvalidLength, $"{field} needs {needed} byte(s) but the enclosing {_container} has only {Remaining} left.", _position);
}
