namespace BlindAI.Protocol.Messages;

/// <summary>How an <see cref="UploadModel"/> request carries the model bytes. The original server accepts both.</summary>
internal enum ModelBytesEncoding
{
    /// <summary>One CBOR byte string: compact, the default of the .NET client.</summary>
    ByteString = 0,

    /// <summary>An array of unsigned integers, one per byte, about 1.9 times larger: exactly what the original Python client sends.</summary>
    IntegerArray = 1,
}
