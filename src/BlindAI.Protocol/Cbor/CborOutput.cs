using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace BlindAI.Protocol.Cbor;

/// <summary>
/// A minimal CBOR writer producing exactly what serde_cbor and cbor2 produce for our messages: definite lengths,
/// shortest integer arguments, text keys. It runs twice per message, first measuring and then writing into an array of
/// the exact size, so large tensor payloads are copied once (into the result) and never into a growing buffer, or not
/// at all when the result may reference them (<see cref="EncodeReferencing"/>).
/// </summary>
internal sealed class CborOutput
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[]? _buffer;

    // Set when large byte strings are referenced instead of copied: their header is written, their bytes are not.
    private readonly List<(int At, ReadOnlyMemory<byte> Payload)>? _references;
    private long _position;

    private CborOutput(byte[]? buffer, List<(int At, ReadOnlyMemory<byte> Payload)>? references = null)
    {
        _buffer = buffer;
        _references = references;
    }

    /// <summary>Byte strings at least this long are referenced by <see cref="EncodeReferencing"/> instead of copied.</summary>
    public const int ReferencedPayloadBytes = 32 * 1024;

    public static byte[] Encode<T>(T value, Action<CborOutput, T> write)
    {
        int length = Measure(value, write, referencing: false);
        byte[] buffer = new byte[length];
        WriteExactly(value, write, new CborOutput(buffer), length);
        return buffer;
    }

    /// <summary>
    /// Encodes the message as the bytes of <see cref="Encode"/> would be, but as a sequence: the framing in one new
    /// array, interleaved with the caller's own memory for every byte string of at least
    /// <see cref="ReferencedPayloadBytes"/> written with <see cref="WriteByteString(ReadOnlyMemory{byte})"/>.
    /// </summary>
    public static ReadOnlySequence<byte> EncodeReferencing<T>(T value, Action<CborOutput, T> write)
    {
        int length = Measure(value, write, referencing: true);
        byte[] framing = new byte[length];
        var references = new List<(int At, ReadOnlyMemory<byte> Payload)>();
        WriteExactly(value, write, new CborOutput(framing, references), length);
        if (references.Count == 0)
        {
            return new ReadOnlySequence<byte>(framing);
        }

        var chunks = new List<ReadOnlyMemory<byte>>(2 * references.Count + 1);
        int from = 0;
        foreach ((int at, ReadOnlyMemory<byte> payload) in references)
        {
            chunks.Add(framing.AsMemory(from, at - from));
            chunks.Add(payload);
            from = at;
        }

        chunks.Add(framing.AsMemory(from));
        return SequenceOf(chunks);
    }

    private static int Measure<T>(T value, Action<CborOutput, T> write, bool referencing)
    {
        var measure = new CborOutput(null, referencing ? [] : null);
        write(measure, value);
        return measure._position > Array.MaxLength
            ? throw new ArgumentException($"The encoded message would be {measure._position} bytes, more than a .NET array holds.", nameof(value))
            : (int)measure._position;
    }

    private static void WriteExactly<T>(T value, Action<CborOutput, T> write, CborOutput output, int length)
    {
        write(output, value);
        if (output._position != length)
        {
            throw new InvalidOperationException("The message changed while it was being encoded.");
        }
    }

    private static ReadOnlySequence<byte> SequenceOf(List<ReadOnlyMemory<byte>> chunks)
    {
        var first = new Chunk(chunks[0], 0);
        Chunk last = first;
        for (int i = 1; i < chunks.Count; i++)
        {
            last = last.Append(chunks[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    public void WriteUInt64(ulong value) => WriteHeader(0, value);

    public void WriteBoolean(bool value) => WriteByte(value ? (byte)0xf5 : (byte)0xf4);

    public void WriteNull() => WriteByte(0xf6);

    public void WriteArrayHeader(int count) => WriteHeader(4, (ulong)count);

    public void WriteMapHeader(int count) => WriteHeader(5, (ulong)count);

    /// <summary>Writes a text string whose UTF-8 bytes are already known (field names, from <c>"name"u8</c> literals).</summary>
    public void WriteKey(ReadOnlySpan<byte> utf8)
    {
        WriteHeader(3, (ulong)utf8.Length);
        WriteRaw(utf8);
    }

    /// <exception cref="ArgumentException"><paramref name="value"/> contains a lone surrogate (not encodable as UTF-8).</exception>
    public void WriteText(string value)
    {
        int length = StrictUtf8.GetByteCount(value);
        WriteHeader(3, (ulong)length);
        if (_buffer is not null)
        {
            StrictUtf8.GetBytes(value, _buffer.AsSpan((int)_position, length));
        }

        _position += length;
    }

    public void WriteNullableText(string? value)
    {
        if (value is null)
        {
            WriteNull();
        }
        else
        {
            WriteText(value);
        }
    }

    public void WriteByteString(ReadOnlySpan<byte> value)
    {
        WriteHeader(2, (ulong)value.Length);
        WriteRaw(value);
    }

    /// <summary>Writes a byte string; when encoding with references, a long one is referenced instead of copied.</summary>
    public void WriteByteString(ReadOnlyMemory<byte> value)
    {
        if (_references is null || value.Length < ReferencedPayloadBytes)
        {
            WriteByteString(value.Span);
            return;
        }

        WriteHeader(2, (ulong)value.Length);
        if (_buffer is not null)
        {
            _references.Add(((int)_position, value));
        }
    }

    /// <summary>Writes bytes as an array of unsigned integers, as the Python client's <c>list(model_bytes)</c> does.</summary>
    public void WriteByteArrayAsIntegers(ReadOnlySpan<byte> value)
    {
        WriteArrayHeader(value.Length);
        foreach (byte b in value)
        {
            WriteHeader(0, b);
        }
    }

    private void WriteHeader(int major, ulong argument)
    {
        byte initial = (byte)(major << 5);
        if (argument < 24)
        {
            WriteByte((byte)(initial | (byte)argument));
        }
        else if (argument <= byte.MaxValue)
        {
            WriteByte((byte)(initial | 24));
            WriteByte((byte)argument);
        }
        else if (argument <= ushort.MaxValue)
        {
            WriteByte((byte)(initial | 25));
            if (_buffer is not null)
            {
                BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan((int)_position), (ushort)argument);
            }

            _position += 2;
        }
        else if (argument <= uint.MaxValue)
        {
            WriteByte((byte)(initial | 26));
            if (_buffer is not null)
            {
                BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan((int)_position), (uint)argument);
            }

            _position += 4;
        }
        else
        {
            WriteByte((byte)(initial | 27));
            if (_buffer is not null)
            {
                BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan((int)_position), argument);
            }

            _position += 8;
        }
    }

    private void WriteByte(byte value)
    {
        if (_buffer is not null)
        {
            _buffer[(int)_position] = value;
        }

        _position++;
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        if (_buffer is not null)
        {
            bytes.CopyTo(_buffer.AsSpan((int)_position));
        }

        _position += bytes.Length;
    }

    private sealed class Chunk : ReadOnlySequenceSegment<byte>
    {
        public Chunk(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Chunk Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Chunk(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
