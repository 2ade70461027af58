using System.Buffers.Binary;
using System.Formats.Cbor;
using System.Text;
using System.Text.Unicode;

namespace BlindAI.Protocol.Cbor;

/// <summary>
/// Reads one protocol message with the acceptance rules of serde_cbor 0.11 (the original server's decoder) and the
/// limits of <see cref="ProtocolLimits"/>. Every length is checked against the limits and the remaining input before
/// anything is allocated; every failure is a <see cref="ProtocolException"/> carrying the field path.
/// Byte strings are returned as slices of the input, so decoded messages alias the caller's buffer.
/// </summary>
internal sealed class WireReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlyMemory<byte> _data;
    private readonly CborReader _reader;
    private readonly List<object> _path = [];
    private int _depth;

    // Incremented each time the CborReader is rebased past bytes decoded directly (see TryReadIntegerBytesFast).
    // Containers opened in an older generation are closed by this class from the raw bytes, not by the CborReader.
    private int _generation;

    public WireReader(ReadOnlyMemory<byte> data, ProtocolLimits limits, long maxMessageBytes)
    {
        Limits = limits;
        if (data.Length > maxMessageBytes)
        {
            throw new ProtocolException(ProtocolErrorReason.MessageTooLarge, $"The message is {data.Length} bytes, the limit is {maxMessageBytes}.");
        }

        if (data.IsEmpty)
        {
            throw new ProtocolException(ProtocolErrorReason.Truncated, "The message is empty.", offset: 0);
        }

        _data = data;
        // Multiple root values are allowed so that trailing bytes are reported by us, with their own reason.
        _reader = new CborReader(data, CborConformanceMode.Lax, allowMultipleRootLevelValues: true);
    }

    public ProtocolLimits Limits { get; }

    /// <summary>Element bytes of all tensors read so far (for <see cref="ProtocolLimits.MaxTotalTensorBytes"/>).</summary>
    public long TensorBytes { get; set; }

    public int Offset => _data.Length - _reader.BytesRemaining;

    private int Remaining => _reader.BytesRemaining;

    /// <summary>Runs a top-level decode, converts reader failures into <see cref="ProtocolException"/> and rejects trailing bytes.</summary>
    public static T Decode<T>(ReadOnlyMemory<byte> data, ProtocolLimits limits, long maxMessageBytes, Func<WireReader, T> read)
    {
        var reader = new WireReader(data, limits, maxMessageBytes);
        return reader.Run(read);
    }

    public T Run<T>(Func<WireReader, T> read)
    {
        try
        {
            T value = read(this);
            if (Remaining > 0)
            {
                throw new ProtocolException(ProtocolErrorReason.TrailingBytes, $"{Remaining} bytes follow the message.", null, Offset);
            }

            return value;
        }
        catch (ProtocolException)
        {
            throw;
        }
        catch (CborContentException e)
        {
            throw Classify(e);
        }
        catch (InvalidOperationException e)
        {
            throw Fail(ProtocolErrorReason.MalformedCbor, "The CBOR structure is inconsistent.", e);
        }
        catch (OverflowException e)
        {
            throw Fail(ProtocolErrorReason.InvalidValue, "An integer is out of range.", e);
        }
        catch (FormatException e)
        {
            throw Fail(ProtocolErrorReason.MalformedCbor, "The CBOR item is malformed.", e);
        }
    }

    // ---- paths and failures -------------------------------------------------------------------------------------

    public void PushPath(string field) => _path.Add(field);

    public void PushPath(int index) => _path.Add(index);

    public void PopPath() => _path.RemoveAt(_path.Count - 1);

    public string? CurrentPath
    {
        get
        {
            if (_path.Count == 0)
            {
                return null;
            }

            var builder = new StringBuilder();
            foreach (object segment in _path)
            {
                if (segment is int index)
                {
                    builder.Append('[').Append(index).Append(']');
                }
                else
                {
                    if (builder.Length > 0)
                    {
                        builder.Append('.');
                    }

                    builder.Append((string)segment);
                }
            }

            return builder.ToString();
        }
    }

    public ProtocolException Fail(ProtocolErrorReason reason, string message, Exception? inner = null) =>
        new(reason, message, CurrentPath, Offset, inner);

    private ProtocolException Classify(CborContentException e)
    {
        // The reader does not advance on failure, so the offending header is at the current offset.
        Header header = TryPeekHeader(out bool truncated);
        if (truncated || (header.Major is 2 or 3 && !header.Indefinite && header.Argument > (ulong)Math.Max(0, Remaining - header.Size)))
        {
            return Fail(ProtocolErrorReason.Truncated, "The message ends inside a CBOR item.", e);
        }

        return Fail(ProtocolErrorReason.MalformedCbor, "The bytes are not well-formed CBOR.", e);
    }

    // ---- headers ------------------------------------------------------------------------------------------------

    private readonly record struct Header(int Major, int Additional, ulong Argument, bool Indefinite, int Size);

    private Header TryPeekHeader(out bool truncated)
    {
        ReadOnlySpan<byte> span = _data.Span[Offset..];
        truncated = false;
        if (span.IsEmpty)
        {
            truncated = true;
            return default;
        }

        int major = span[0] >> 5;
        int additional = span[0] & 0x1f;
        int extra = additional switch { 24 => 1, 25 => 2, 26 => 4, 27 => 8, _ => 0 };
        if (span.Length < 1 + extra)
        {
            truncated = true;
            return new Header(major, additional, 0, false, 1);
        }

        ulong argument = additional switch
        {
            < 24 => (ulong)additional,
            24 => span[1],
            25 => BinaryPrimitives.ReadUInt16BigEndian(span[1..]),
            26 => BinaryPrimitives.ReadUInt32BigEndian(span[1..]),
            27 => BinaryPrimitives.ReadUInt64BigEndian(span[1..]),
            _ => 0,
        };
        return new Header(major, additional, argument, additional == 31, 1 + extra);
    }

    /// <summary>Skips semantic tags (serde_cbor ignores them) and returns the header of the next data item.</summary>
    private Header PeekValueHeader()
    {
        int tags = 0;
        while (true)
        {
            Header header = TryPeekHeader(out bool truncated);
            if (truncated)
            {
                throw Fail(ProtocolErrorReason.Truncated, "The message ends before the expected item.");
            }

            if (header.Additional is 28 or 29 or 30 || (header.Indefinite && header.Major is 0 or 1 or 6))
            {
                throw Fail(ProtocolErrorReason.MalformedCbor, $"Reserved CBOR header byte 0x{_data.Span[Offset]:x2}.");
            }

            if (header.Major != 6)
            {
                return header;
            }

            tags++;
            if (_depth + tags > Limits.MaxNestingDepth)
            {
                throw Fail(ProtocolErrorReason.NestingTooDeep, $"Items nest deeper than {Limits.MaxNestingDepth} levels.");
            }

            _reader.ReadTag();
        }
    }

    private static string Describe(Header header) => header.Major switch
    {
        0 => "an unsigned integer",
        1 => "a negative integer",
        2 => "a byte string",
        3 => "a text string",
        4 => "an array",
        5 => "a map",
        _ => header.Additional switch
        {
            20 or 21 => "a boolean",
            22 => "null",
            23 => "undefined",
            25 or 26 or 27 => "a float",
            31 => "a break",
            _ => "a simple value",
        },
    };

    private ProtocolException WrongType(Header header, string expected) =>
        Fail(ProtocolErrorReason.UnexpectedType, $"Expected {expected}, found {Describe(header)}.");

    private void Enter()
    {
        if (++_depth > Limits.MaxNestingDepth)
        {
            throw Fail(ProtocolErrorReason.NestingTooDeep, $"Items nest deeper than {Limits.MaxNestingDepth} levels.");
        }
    }

    // ---- scalars ------------------------------------------------------------------------------------------------

    public ulong ReadUInt64()
    {
        Header header = PeekValueHeader();
        if (header.Major != 0)
        {
            throw WrongType(header, "an unsigned integer");
        }

        return _reader.ReadUInt64();
    }

    public bool ReadBoolean()
    {
        Header header = PeekValueHeader();
        if (header.Major != 7 || header.Additional is not (20 or 21))
        {
            throw WrongType(header, "a boolean");
        }

        return _reader.ReadBoolean();
    }

    public bool TryReadNull()
    {
        Header header = PeekValueHeader();
        if (header.Major == 7 && header.Additional == 22)
        {
            _reader.ReadNull();
            return true;
        }

        return false;
    }

    /// <summary>Peeks whether the next item (after tags) is an unsigned integer (major type 0) or a text string (major type 3).</summary>
    public int PeekMajorType() => PeekValueHeader().Major;

    /// <summary>The error for an item of the wrong type at the current position.</summary>
    public ProtocolException UnexpectedType(string expected) => WrongType(PeekValueHeader(), expected);

    /// <summary>Reads a byte string only (no integer-array form), returned without copying when definite.</summary>
    public ReadOnlyMemory<byte> ReadByteString(long maxBytes, ProtocolErrorReason tooLong)
    {
        Header header = PeekValueHeader();
        if (header.Major != 2)
        {
            throw WrongType(header, "a byte string");
        }

        return ReadStringBytes(header, maxBytes, tooLong, "byte string");
    }

    public void ExpectNull()
    {
        if (!TryReadNull())
        {
            throw WrongType(PeekValueHeader(), "null");
        }
    }

    // ---- text ---------------------------------------------------------------------------------------------------

    public string ReadText() => ReadText(Limits.MaxTextBytes);

    public string ReadText(int maxBytes)
    {
        Header header = PeekValueHeader();
        if (header.Major != 3)
        {
            throw WrongType(header, "a text string");
        }

        ReadOnlyMemory<byte> utf8 = ReadStringBytes(header, maxBytes, ProtocolErrorReason.TextTooLong, "text string");
        return DecodeUtf8(utf8.Span);
    }

    public string? ReadNullableText() => TryReadNull() ? null : ReadText();

    private string DecodeUtf8(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            throw Fail(ProtocolErrorReason.InvalidUtf8, "A text string is not valid UTF-8.", e);
        }
    }

    /// <summary>Reads a map key for field matching: text (validated UTF-8) or byte string, returned as raw bytes.</summary>
    private ReadOnlyMemory<byte> ReadKeyBytes(Header header)
    {
        ReadOnlyMemory<byte> bytes = ReadStringBytes(header, Limits.MaxTextBytes, ProtocolErrorReason.TextTooLong, "map key");
        if (header.Major == 3 && !Utf8.IsValid(bytes.Span))
        {
            throw Fail(ProtocolErrorReason.InvalidUtf8, "A map key is not valid UTF-8.");
        }

        return bytes;
    }

    /// <summary>
    /// Reads a byte or text string (definite: a slice of the input, no copy; indefinite: its chunks joined), checking
    /// the declared length against <paramref name="maxBytes"/> and the remaining input first.
    /// </summary>
    private ReadOnlyMemory<byte> ReadStringBytes(Header header, long maxBytes, ProtocolErrorReason tooLong, string what)
    {
        bool text = header.Major == 3;
        if (!header.Indefinite)
        {
            CheckDeclaredLength(header.Argument, maxBytes, tooLong, what, header.Size);
            return text ? _reader.ReadDefiniteLengthTextStringBytes() : _reader.ReadDefiniteLengthByteString();
        }

        if (text)
        {
            _reader.ReadStartIndefiniteLengthTextString();
        }
        else
        {
            _reader.ReadStartIndefiniteLengthByteString();
        }

        // Join the chunks into a buffer that grows by doubling (never a list of chunks: a message of empty chunks
        // would otherwise cost many times its own size).
        byte[] joined = [];
        int total = 0;
        while (true)
        {
            CborReaderState state = _reader.PeekState();
            if (state is CborReaderState.EndIndefiniteLengthTextString or CborReaderState.EndIndefiniteLengthByteString)
            {
                break;
            }

            Header chunk = TryPeekHeader(out bool truncated);
            if (truncated)
            {
                throw Fail(ProtocolErrorReason.Truncated, "The message ends inside an indefinite-length string.");
            }

            CheckDeclaredLength(chunk.Argument, maxBytes - total, tooLong, what, chunk.Size);
            ReadOnlySpan<byte> piece = (text ? _reader.ReadDefiniteLengthTextStringBytes() : _reader.ReadDefiniteLengthByteString()).Span;
            if (text && !Utf8.IsValid(piece))
            {
                // Each chunk of an indefinite text string must itself be valid UTF-8 (RFC 8949 §3.2.3).
                throw Fail(ProtocolErrorReason.InvalidUtf8, "A text string chunk is not valid UTF-8.");
            }

            if (total + piece.Length > joined.Length)
            {
                Array.Resize(ref joined, (int)Math.Min(maxBytes, Math.Max(total + piece.Length, Math.Max(64L, joined.Length * 2L))));
            }

            piece.CopyTo(joined.AsSpan(total));
            total += piece.Length;
        }

        if (text)
        {
            _reader.ReadEndIndefiniteLengthTextString();
        }
        else
        {
            _reader.ReadEndIndefiniteLengthByteString();
        }

        return joined.AsMemory(0, total);
    }

    private void CheckDeclaredLength(ulong declared, long max, ProtocolErrorReason tooLong, string what, int headerSize)
    {
        if (declared > (ulong)Math.Max(0, max))
        {
            throw Fail(tooLong, $"A {what} declares {declared} bytes, more than the {Math.Max(0, max)} allowed.");
        }

        if (declared > (ulong)(Remaining - headerSize))
        {
            throw Fail(ProtocolErrorReason.Truncated, $"A {what} declares {declared} bytes but only {Remaining - headerSize} remain.");
        }
    }

    // ---- bytes (serde_bytes) ------------------------------------------------------------------------------------

    /// <summary>
    /// Reads a <c>serde_bytes</c> field: a byte string (returned without copying when definite) or an array of
    /// unsigned integers 0..255 (the form the original Python client uses for model uploads).
    /// </summary>
    public ReadOnlyMemory<byte> ReadSerdeBytes(long maxBytes, ProtocolErrorReason tooLong)
    {
        Header header = PeekValueHeader();
        if (header.Major == 2)
        {
            return ReadStringBytes(header, maxBytes, tooLong, "byte string");
        }

        if (header.Major != 4)
        {
            throw WrongType(header, "a byte string or an array of bytes");
        }

        Enter();
        if (!header.Indefinite)
        {
            // Limits first, exactly as for the general path.
            if (header.Argument > (ulong)Math.Max(0, maxBytes))
            {
                throw Fail(tooLong, $"A byte array declares {header.Argument} elements, more than the {maxBytes} allowed.");
            }

            if (header.Argument > (ulong)(Remaining - header.Size))
            {
                throw Fail(ProtocolErrorReason.Truncated, $"A byte array declares {header.Argument} elements but only {Remaining - header.Size} bytes remain.");
            }

            if (TryReadIntegerBytesFast(header, out byte[] fast))
            {
                _depth--;
                return fast;
            }
        }

        int? count = ReadArrayStart(header, maxBytes, tooLong, "byte array");
        byte[] buffer;
        int length = 0;
        if (count is int definite)
        {
            buffer = new byte[definite];
            for (; length < definite; length++)
            {
                buffer[length] = ReadByteElement(length);
            }
        }
        else
        {
            // Indefinite: grow by doubling, never beyond the limit nor the input left (each element takes at least a
            // byte), so many small indefinite arrays cannot make us allocate the whole message again and again.
            long cap = Math.Min(Remaining, maxBytes);
            buffer = new byte[(int)Math.Min(cap, 256)];
            while (_reader.PeekState() != CborReaderState.EndArray)
            {
                if (length >= buffer.Length)
                {
                    if (length >= maxBytes)
                    {
                        throw Fail(tooLong, $"A byte array holds more than the {maxBytes} bytes allowed.");
                    }

                    Array.Resize(ref buffer, (int)Math.Min(Math.Max(cap, length + 1L), (long)buffer.Length * 2 + 1));
                }

                buffer[length] = ReadByteElement(length);
                length++;
            }
        }

        _reader.ReadEndArray();
        _depth--;
        return buffer.AsMemory(0, length);
    }

    private byte ReadByteElement(int index)
    {
        Header element = PeekValueHeader();
        if (element.Major != 0)
        {
            PushPath(index);
            throw WrongType(element, "an unsigned integer 0..255");
        }

        ulong value = _reader.ReadUInt64();
        if (value > byte.MaxValue)
        {
            PushPath(index);
            throw Fail(ProtocolErrorReason.InvalidValue, $"A byte array element is {value}, above 255.");
        }

        return (byte)value;
    }

    // ---- arrays -------------------------------------------------------------------------------------------------

    /// <summary>Starts an array; returns its length, or <see langword="null"/> for an indefinite-length array.</summary>
    public ArrayScope BeginArray(long maxCount, ProtocolErrorReason tooMany, string what)
    {
        Header header = PeekValueHeader();
        if (header.Major != 4)
        {
            throw WrongType(header, "an array");
        }

        Enter();
        return new ArrayScope(ReadArrayStart(header, maxCount, tooMany, what), _generation);
    }

    private int? ReadArrayStart(Header header, long maxCount, ProtocolErrorReason tooMany, string what)
    {
        if (!header.Indefinite)
        {
            if (header.Argument > (ulong)Math.Max(0, maxCount))
            {
                throw Fail(tooMany, $"A {what} declares {header.Argument} elements, more than the {maxCount} allowed.");
            }

            // Every element takes at least one byte.
            if (header.Argument > (ulong)(Remaining - header.Size))
            {
                throw Fail(ProtocolErrorReason.Truncated, $"A {what} declares {header.Argument} elements but only {Remaining - header.Size} bytes remain.");
            }
        }

        return _reader.ReadStartArray();
    }

    /// <summary>Whether an array has another element; <paramref name="read"/> counts the elements read so far.</summary>
    public bool HasNextElement(ArrayScope array, int read, long maxCount, ProtocolErrorReason tooMany, string what)
    {
        if (array.Count is int definite)
        {
            return read < definite;
        }

        if (AtIndefiniteEnd(array.Generation, CborReaderState.EndArray))
        {
            return false;
        }

        if (read >= maxCount)
        {
            throw Fail(tooMany, $"A {what} holds more than the {maxCount} elements allowed.");
        }

        return true;
    }

    public void EndArray(ArrayScope array)
    {
        CloseContainer(array.Generation, array.Count is null, isMap: false);
        _depth--;
    }

    // ---- rebasing -----------------------------------------------------------------------------------------------

    /// <summary>Whether an indefinite-length container opened in <paramref name="generation"/> ends here.</summary>
    private bool AtIndefiniteEnd(int generation, CborReaderState endState)
    {
        if (generation == _generation)
        {
            return _reader.PeekState() == endState;
        }

        if (Remaining == 0)
        {
            throw Fail(ProtocolErrorReason.Truncated, "The message ends inside an indefinite-length container.");
        }

        return _data.Span[Offset] == 0xff;
    }

    private void CloseContainer(int generation, bool indefinite, bool isMap)
    {
        if (generation == _generation)
        {
            if (isMap)
            {
                _reader.ReadEndMap();
            }
            else
            {
                _reader.ReadEndArray();
            }
        }
        else if (indefinite)
        {
            // The break byte of a container the current CborReader never saw open.
            if (Remaining == 0 || _data.Span[Offset] != 0xff)
            {
                throw Fail(Remaining == 0 ? ProtocolErrorReason.Truncated : ProtocolErrorReason.MalformedCbor, "Expected the end of an indefinite-length container.");
            }

            Rebase(Offset + 1);
        }
    }

    /// <summary>Continues reading at <paramref name="offset"/> with a fresh CborReader (at root level, so open containers become ours to close).</summary>
    private void Rebase(int offset)
    {
        _reader.Reset(_data[offset..]);
        _generation++;
    }

    /// <summary>
    /// Decodes a definite array of small unsigned integers straight from the bytes (about 40 times faster than one
    /// CborReader call per element; the Python client uploads models this way), then rebases the reader past it.
    /// Returns <see langword="false"/>, consuming nothing, at the first element that is not an unsigned integer
    /// 0..255, so the slow path reports the precise error.
    /// </summary>
    private bool TryReadIntegerBytesFast(Header header, out byte[] result)
    {
        int count = (int)header.Argument;
        ReadOnlySpan<byte> span = _data.Span;
        int position = Offset + header.Size;
        var buffer = new byte[count];
        for (int i = 0; i < count; i++)
        {
            if (position >= span.Length)
            {
                result = [];
                return false;
            }

            byte initial = span[position];
            if (initial <= 0x17)
            {
                buffer[i] = initial;
                position++;
            }
            else if (initial == 0x18 && position + 1 < span.Length)
            {
                buffer[i] = span[position + 1];
                position += 2;
            }
            else if (initial == 0x19 && position + 2 < span.Length && span[position + 1] == 0)
            {
                buffer[i] = span[position + 2];
                position += 3;
            }
            else
            {
                // Wider or malformed forms (rare): let the general path decode or reject them.
                result = [];
                return false;
            }
        }

        Rebase(position);
        result = buffer;
        return true;
    }

    // ---- structs ------------------------------------------------------------------------------------------------

    /// <summary>Starts a struct: a map (any key order) or, as serde also accepts, an array of the fields in order.</summary>
    public StructScope BeginStruct(FieldSet fields)
    {
        Header header = PeekValueHeader();
        if (header.Major == 5)
        {
            Enter();
            if (!header.Indefinite && header.Argument > (ulong)(Remaining - header.Size) / 2)
            {
                throw Fail(ProtocolErrorReason.Truncated, $"A map declares {header.Argument} entries but only {Remaining - header.Size} bytes remain.");
            }

            int? count = _reader.ReadStartMap();
            return new StructScope { Fields = fields, IsArray = false, Remaining = count ?? -1, Generation = _generation };
        }

        if (header.Major == 4)
        {
            Enter();
            int? count = ReadArrayStart(header, int.MaxValue, ProtocolErrorReason.UnexpectedLength, fields.TypeName);
            return new StructScope { Fields = fields, IsArray = true, Remaining = count ?? -1, Generation = _generation };
        }

        throw WrongType(header, $"a map ({fields.TypeName})");
    }

    /// <summary>
    /// Advances to the next known field, skipping unknown keys (as serde does without <c>deny_unknown_fields</c>) and
    /// rejecting a known field seen twice. Pushes the field name on the path; call <see cref="EndField"/> after reading it.
    /// </summary>
    public bool NextField(ref StructScope scope, out int field)
    {
        while (true)
        {
            if (scope.Remaining == 0
                || (scope.Remaining < 0 && AtIndefiniteEnd(scope.Generation, scope.IsArray ? CborReaderState.EndArray : CborReaderState.EndMap)))
            {
                field = -1;
                return false;
            }

            if (scope.Remaining > 0)
            {
                scope.Remaining--;
            }

            if (scope.IsArray)
            {
                if (scope.NextIndex >= scope.Fields.Count)
                {
                    throw Fail(ProtocolErrorReason.UnexpectedLength, $"{scope.Fields.TypeName} has {scope.Fields.Count} fields; the array holds more.");
                }

                field = scope.NextIndex++;
            }
            else
            {
                field = ReadFieldKey(scope.Fields, out string? unknownKey);
                if (field < 0)
                {
                    PushPath(unknownKey!);
                    SkipValue();
                    PopPath();
                    continue;
                }
            }

            PushPath(scope.Fields.Names[field]);
            ulong bit = 1UL << field;
            if ((scope.Seen & bit) != 0)
            {
                throw Fail(ProtocolErrorReason.DuplicateField, $"Field '{scope.Fields.Names[field]}' of {scope.Fields.TypeName} appears twice.");
            }

            scope.Seen |= bit;
            scope.CurrentField = field;
            return true;
        }
    }

    public void EndField() => PopPath();

    /// <summary>
    /// For open maps (problem details): like <see cref="NextField"/>, but an unknown text key is returned in
    /// <paramref name="otherKey"/> (with <paramref name="field"/> -1) for the caller to read or skip; other unknown keys are skipped.
    /// </summary>
    public bool NextMember(ref StructScope scope, out int field, out string? otherKey)
    {
        otherKey = null;
        if (scope.IsArray)
        {
            throw Fail(ProtocolErrorReason.UnexpectedType, $"Expected a map ({scope.Fields.TypeName}), found an array.");
        }

        while (true)
        {
            if (scope.Remaining == 0 || (scope.Remaining < 0 && AtIndefiniteEnd(scope.Generation, CborReaderState.EndMap)))
            {
                field = -1;
                return false;
            }

            if (scope.Remaining > 0)
            {
                scope.Remaining--;
            }

            Header header = PeekValueHeader();
            if (header.Major != 3)
            {
                SkipValue();
                SkipValue();
                continue;
            }

            string key = DecodeUtf8(ReadKeyBytes(header).Span);
            field = Array.IndexOf(scope.Fields.Names, key);
            if (field < 0)
            {
                otherKey = key;
                PushPath(key);
                return true;
            }

            PushPath(key);
            ulong bit = 1UL << field;
            if ((scope.Seen & bit) != 0)
            {
                throw Fail(ProtocolErrorReason.DuplicateField, $"Member '{key}' appears twice.");
            }

            scope.Seen |= bit;
            return true;
        }
    }

    private int ReadFieldKey(FieldSet fields, out string? unknownKey)
    {
        unknownKey = null;
        Header header = PeekValueHeader();
        switch (header.Major)
        {
            case 3 or 2:
                ReadOnlySpan<byte> name = ReadKeyBytes(header).Span;
                int found = fields.IndexOf(name);
                if (found < 0)
                {
                    unknownKey = Encoding.UTF8.GetString(name);
                }

                return found;
            case 0:
                // serde's derived field visitor also accepts the field's declaration index.
                ulong index = _reader.ReadUInt64();
                if (index < (ulong)fields.Count)
                {
                    return (int)index;
                }

                unknownKey = "#" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return -1;
            default:
                throw WrongType(header, $"a field name of {fields.TypeName}");
        }
    }

    public void EndStruct(ref StructScope scope)
    {
        if (scope.IsArray)
        {
            if (scope.NextIndex < scope.Fields.Count)
            {
                throw Fail(ProtocolErrorReason.MissingField, $"{scope.Fields.TypeName} sent as an array lacks field '{scope.Fields.Names[scope.NextIndex]}'.");
            }
        }

        CloseContainer(scope.Generation, scope.Remaining < 0, isMap: !scope.IsArray);
        _depth--;
        ulong missing = scope.Fields.RequiredMask & ~scope.Seen;
        if (missing != 0)
        {
            int first = System.Numerics.BitOperations.TrailingZeroCount(missing);
            PushPath(scope.Fields.Names[first]);
            throw Fail(ProtocolErrorReason.MissingField, $"{scope.Fields.TypeName} lacks required field '{scope.Fields.Names[first]}'.");
        }
    }

    // ---- skipping -----------------------------------------------------------------------------------------------

    /// <summary>Skips one item of any type (an ignored field value), enforcing the nesting limit.</summary>
    public void SkipValue()
    {
        int start = _depth;
        do
        {
            if (_depth > start)
            {
                CborReaderState state = _reader.PeekState();
                if (state == CborReaderState.EndArray)
                {
                    _reader.ReadEndArray();
                    _depth--;
                    continue;
                }

                if (state == CborReaderState.EndMap)
                {
                    _reader.ReadEndMap();
                    _depth--;
                    continue;
                }
            }

            Header header = PeekValueHeader();
            switch (header.Major)
            {
                case 4:
                    Enter();
                    ReadArrayStart(header, int.MaxValue, ProtocolErrorReason.UnexpectedLength, "array");
                    break;
                case 5:
                    Enter();
                    if (!header.Indefinite && header.Argument > (ulong)(Remaining - header.Size) / 2)
                    {
                        throw Fail(ProtocolErrorReason.Truncated, $"A map declares {header.Argument} entries but only {Remaining - header.Size} bytes remain.");
                    }

                    _reader.ReadStartMap();
                    break;
                case 2:
                    ReadStringBytes(header, int.MaxValue, ProtocolErrorReason.TextTooLong, "byte string");
                    break;
                case 3:
                    // serde_cbor validates ignored text too.
                    if (!Utf8.IsValid(ReadStringBytes(header, int.MaxValue, ProtocolErrorReason.TextTooLong, "text string").Span))
                    {
                        throw Fail(ProtocolErrorReason.InvalidUtf8, "A text string is not valid UTF-8.");
                    }

                    break;
                case 7 when header.Additional == 31:
                    throw Fail(ProtocolErrorReason.MalformedCbor, "Unexpected break byte.");
                default:
                    _reader.SkipValue();
                    break;
            }
        }
        while (_depth > start);
    }
}
