using BlindAI.Protocol.Messages;

namespace BlindAI.Protocol.Cbor;

/// <summary>Model management messages (<c>/upload</c>, <c>/delete</c>) and the shared <c>client_info</c> block.</summary>
public sealed partial class MessageCodec
{
    private static readonly FieldSet UploadModelFields = FieldSet.AllRequired("UploadModel", "model", "length", "model_name", "optimize", "client_info");
    private static readonly FieldSet SendModelReplyFields = FieldSet.AllRequired("SendModelReply", "hash", "model_id");
    private static readonly FieldSet DeleteModelFields = FieldSet.AllRequired("DeleteModel", "model_id");
    private static readonly FieldSet ClientInfoFields = FieldSet.AllRequired("ClientInfo",
        "uid", "platform_name", "platform_arch", "platform_version", "platform_release", "user_agent", "user_agent_version", "is_colab");

    private static readonly byte[] NullBody = [0xf6];

    /// <summary>
    /// Encodes an upload as the Python client does, <c>{model, length, model_name, optimize, client_info}</c>, with the
    /// model as one compact CBOR byte string (the Python client sends an array of integers; both servers accept both).
    /// </summary>
    /// <param name="message">The request.</param>
    /// <returns>The CBOR body.</returns>
    /// <exception cref="ArgumentException">The encoded message would not fit a .NET array.</exception>
    /// <exception cref="ProtocolException">
    /// The model is empty (<see cref="ProtocolErrorReason.EmptyModel"/>) or <c>length</c> differs from its size
    /// (<see cref="ProtocolErrorReason.ModelLengthMismatch"/>): a message every server refuses is not encoded.
    /// </exception>
    public byte[] EncodeUploadModel(UploadModel message) => EncodeUploadModel(message, ModelBytesEncoding.ByteString);

    /// <summary>Encodes an upload with the model bytes carried as <paramref name="modelEncoding"/> says (tests and benchmarks send the Python client's exact bytes).</summary>
    /// <param name="message">The request.</param>
    /// <param name="modelEncoding">A CBOR byte string, or an array of integers as the Python client writes.</param>
    /// <returns>The CBOR body.</returns>
    /// <exception cref="ArgumentException">The encoded message would not fit a .NET array.</exception>
    /// <exception cref="ProtocolException">
    /// The model is empty (<see cref="ProtocolErrorReason.EmptyModel"/>) or <c>length</c> differs from its size
    /// (<see cref="ProtocolErrorReason.ModelLengthMismatch"/>): a message every server refuses is not encoded.
    /// </exception>
    internal byte[] EncodeUploadModel(UploadModel message, ModelBytesEncoding modelEncoding)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(message.ClientInfo);
        if (message.Model.IsEmpty || message.Length == 0)
        {
            throw new ProtocolException(ProtocolErrorReason.EmptyModel, "The upload carries no model bytes.", message.Model.IsEmpty ? "model" : "length");
        }

        if (message.Length != (ulong)message.Model.Length)
        {
            throw new ProtocolException(ProtocolErrorReason.ModelLengthMismatch, $"The upload declares {message.Length} model bytes but carries {message.Model.Length}.", "length");
        }

        return CborOutput.Encode((message, modelEncoding), static (w, state) =>
        {
            (UploadModel m, ModelBytesEncoding encoding) = state;
            w.WriteMapHeader(5);
            w.WriteKey("model"u8);
            if (encoding == ModelBytesEncoding.IntegerArray)
            {
                w.WriteByteArrayAsIntegers(m.Model.Span);
            }
            else
            {
                w.WriteByteString(m.Model.Span);
            }

            w.WriteKey("length"u8);
            w.WriteUInt64(m.Length);
            w.WriteKey("model_name"u8);
            w.WriteText(m.ModelName);
            w.WriteKey("optimize"u8);
            w.WriteBoolean(m.Optimize);
            w.WriteKey("client_info"u8);
            WriteClientInfo(w, m.ClientInfo);
        });
    }

    /// <summary>
    /// Decodes an upload (server side), with a model of at most 1 GiB. Unlike the original server, which trusted <c>length</c>, the declared
    /// length must equal the bytes received.
    /// </summary>
    /// <param name="data">The CBOR body; a byte-string model in the result aliases it.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ProtocolException">
    /// The body is malformed, the model is empty (<see cref="ProtocolErrorReason.EmptyModel"/>), too large
    /// (<see cref="ProtocolErrorReason.ModelTooLarge"/>) or not as long as declared (<see cref="ProtocolErrorReason.ModelLengthMismatch"/>).
    /// </exception>
    public UploadModel DecodeUploadModel(ReadOnlyMemory<byte> data) => WireReader.Decode(data, Limits, Limits.MaxUploadMessageBytes, static r =>
    {
        ReadOnlyMemory<byte> model = default;
        ulong length = 0;
        string? modelName = null;
        bool optimize = false;
        ClientInfo? clientInfo = null;
        StructScope scope = r.BeginStruct(UploadModelFields);
        while (r.NextField(ref scope, out int field))
        {
            switch (field)
            {
                case 0:
                    model = r.ReadSerdeBytes(r.Limits.MaxModelBytes, ProtocolErrorReason.ModelTooLarge);
                    break;
                case 1:
                    length = r.ReadUInt64();
                    if (length > (ulong)r.Limits.MaxModelBytes)
                    {
                        throw r.Fail(ProtocolErrorReason.ModelTooLarge, $"The declared model length {length} exceeds the {r.Limits.MaxModelBytes} bytes allowed.");
                    }

                    break;
                case 2: modelName = r.ReadText(); break;
                case 3: optimize = r.ReadBoolean(); break;
                default: clientInfo = ReadClientInfo(r); break;
            }

            r.EndField();
        }

        r.EndStruct(ref scope);
        if (length == 0 || model.IsEmpty)
        {
            throw new ProtocolException(ProtocolErrorReason.EmptyModel, "The upload carries no model bytes.", length == 0 ? "length" : "model");
        }

        if (length != (ulong)model.Length)
        {
            throw new ProtocolException(ProtocolErrorReason.ModelLengthMismatch, $"The upload declares {length} model bytes but carries {model.Length}.", "length");
        }

        return new UploadModel(model, length, modelName!, optimize) { ClientInfo = clientInfo! };
    });

    /// <summary>Encodes an upload reply as the original server does: <c>{hash (byte string), model_id (text)}</c>.</summary>
    /// <param name="message">The reply.</param>
    /// <returns>The CBOR body.</returns>
    public byte[] EncodeSendModelReply(SendModelReply message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(message.Hash);
        return CborOutput.Encode(message, static (w, m) =>
        {
            w.WriteMapHeader(2);
            w.WriteKey("hash"u8);
            w.WriteByteString(m.Hash.Bytes);
            w.WriteKey("model_id"u8);
            w.WriteText(m.ModelId.ToString());
        });
    }

    /// <summary>Decodes an upload reply (client side): the hash must be 32 bytes and the id a UUID.</summary>
    /// <param name="data">The CBOR body.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="ProtocolException">The body is malformed or a value is invalid.</exception>
    public SendModelReply DecodeSendModelReply(ReadOnlyMemory<byte> data) => Decode(data, static r =>
    {
        ModelHash? hash = null;
        ModelId id = default;
        StructScope scope = r.BeginStruct(SendModelReplyFields);
        while (r.NextField(ref scope, out int field))
        {
            if (field == 0)
            {
                ReadOnlyMemory<byte> digest = r.ReadSerdeBytes(ModelHash.Length, ProtocolErrorReason.InvalidValue);
                hash = digest.Length == ModelHash.Length
                    ? ModelHash.FromBytes(digest.Span)
                    : throw r.Fail(ProtocolErrorReason.InvalidValue, $"The hash is {digest.Length} bytes, not {ModelHash.Length}.");
            }
            else
            {
                string text = r.ReadText();
                id = ModelId.TryParse(text, out ModelId parsed) ? parsed : throw r.Fail(ProtocolErrorReason.InvalidValue, "model_id is not a UUID.");
            }

            r.EndField();
        }

        r.EndStruct(ref scope);
        return new SendModelReply(hash!, id);
    });

    /// <summary>Encodes the body of <c>POST /delete</c>, <c>{model_id}</c>, from the id it carries.</summary>
    /// <param name="modelId">The model to delete.</param>
    /// <returns>The CBOR body.</returns>
    public byte[] EncodeDeleteModel(ModelId modelId) => EncodeDeleteModel(new DeleteModel(modelId.ToString()));

    /// <summary>Encodes a delete request with the id text as given (tests send ids that are not UUIDs).</summary>
    internal byte[] EncodeDeleteModel(DeleteModel message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return CborOutput.Encode(message, static (w, m) =>
        {
            w.WriteMapHeader(1);
            w.WriteKey("model_id"u8);
            w.WriteText(m.ModelId);
        });
    }

    /// <summary>Decodes the body of <c>POST /delete</c> (server side) to the id it carries.</summary>
    /// <param name="data">The CBOR body.</param>
    /// <returns>The model id.</returns>
    /// <exception cref="ProtocolException">
    /// The body is malformed, or the id is empty or not a UUID (<see cref="ProtocolErrorReason.InvalidModelReference"/>).
    /// </exception>
    public ModelId DecodeDeleteModel(ReadOnlyMemory<byte> data) => DecodeDeleteModelMessage(data).GetModelId();

    /// <summary>Decodes a delete request with the id as sent.</summary>
    internal DeleteModel DecodeDeleteModelMessage(ReadOnlyMemory<byte> data) => Decode(data, static r =>
    {
        string? id = null;
        StructScope scope = r.BeginStruct(DeleteModelFields);
        while (r.NextField(ref scope, out _))
        {
            id = r.ReadText();
            r.EndField();
        }

        r.EndStruct(ref scope);
        return new DeleteModel(id!);
    });

    /// <summary>The body of a successful delete: CBOR <c>null</c> (serde's encoding of Rust <c>()</c>).</summary>
    /// <returns>A new array holding 0xF6.</returns>
    public byte[] EncodeDeleteModelReply() => (byte[])NullBody.Clone();

    /// <summary>Checks the body of a successful delete (client side): it must be CBOR <c>null</c>.</summary>
    /// <param name="data">The CBOR body.</param>
    /// <exception cref="ProtocolException">The body is not exactly CBOR null.</exception>
    public void DecodeDeleteModelReply(ReadOnlyMemory<byte> data) => Decode(data, static r =>
    {
        r.ExpectNull();
        return true;
    });

    private static void WriteClientInfo(CborOutput w, ClientInfo info)
    {
        w.WriteMapHeader(8);
        w.WriteKey("uid"u8);
        w.WriteText(info.Uid);
        w.WriteKey("platform_name"u8);
        w.WriteText(info.PlatformName);
        w.WriteKey("platform_arch"u8);
        w.WriteText(info.PlatformArch);
        w.WriteKey("platform_version"u8);
        w.WriteText(info.PlatformVersion);
        w.WriteKey("platform_release"u8);
        w.WriteText(info.PlatformRelease);
        w.WriteKey("user_agent"u8);
        w.WriteText(info.UserAgent);
        w.WriteKey("user_agent_version"u8);
        w.WriteText(info.UserAgentVersion);
        w.WriteKey("is_colab"u8);
        w.WriteBoolean(info.IsColab);
    }

    private static ClientInfo ReadClientInfo(WireReader r)
    {
        var text = new string[7];
        bool isColab = false;
        StructScope scope = r.BeginStruct(ClientInfoFields);
        while (r.NextField(ref scope, out int field))
        {
            if (field < 7)
            {
                text[field] = r.ReadText();
            }
            else
            {
                isColab = r.ReadBoolean();
            }

            r.EndField();
        }

        r.EndStruct(ref scope);
        return new ClientInfo(text[0], text[1], text[2], text[3], text[4], text[5], text[6], isColab);
    }
}
