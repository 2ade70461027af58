namespace BlindAI.Inference.Runtime;

/// <summary>A minimal forward-only reader of the protocol buffers wire format, enough to walk an ONNX model's structure.</summary>
internal ref struct ProtoReader
{
    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public bool TryReadTag(out int field, out int wireType)
    {
        if (_position >= _data.Length)
        {
            field = 0;
            wireType = 0;
            return false;
        }

        ulong tag = ReadVarint();
        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        if (field <= 0 || tag >> 3 > int.MaxValue)
        {
            throw Malformed();
        }

        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw Malformed();
            }

            byte b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw Malformed();
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw Malformed();
        }

        ReadOnlySpan<byte> value = _data.Slice(_position, (int)length);
        _position += (int)length;
        return value;
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint:
                ReadVarint();
                break;
            case Fixed64:
                Advance(8);
                break;
            case LengthDelimited:
                ReadBytes();
                break;
            case Fixed32:
                Advance(4);
                break;
            default:
                throw Malformed();
        }
    }

    private void Advance(int count)
    {
        if (_data.Length - _position < count)
        {
            throw Malformed();
        }

        _position += count;
    }

    private static InferenceException Malformed() =>
        OnnxModelScanner.Invalid("The model is not a well-formed ONNX protocol buffer.");
}
