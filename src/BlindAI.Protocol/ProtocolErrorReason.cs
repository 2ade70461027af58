namespace BlindAI.Protocol;

/// <summary>Why a protocol message was rejected. Carried by <see cref="ProtocolException"/>.</summary>
public enum ProtocolErrorReason
{
    /// <summary>The bytes are not well-formed CBOR (reserved header values, bad indefinite-length chunks, a stray break).</summary>
    MalformedCbor = 1,

    /// <summary>The input ends inside an item: a header, a string or a container announces more than is left.</summary>
    Truncated,

    /// <summary>Bytes follow the top-level item.</summary>
    TrailingBytes,

    /// <summary>Containers and tags nest deeper than the limit (64).</summary>
    NestingTooDeep,

    /// <summary>An item has the wrong CBOR type for its field (for example a text string where an unsigned integer is required).</summary>
    UnexpectedType,

    /// <summary>A required field is missing.</summary>
    MissingField,

    /// <summary>A known field appears twice in the same map.</summary>
    DuplicateField,

    /// <summary>A struct sent as an array has more elements than the struct has fields.</summary>
    UnexpectedLength,

    /// <summary>A text string is not valid UTF-8.</summary>
    InvalidUtf8,

    /// <summary>A value has the right type but is out of range or inconsistent (for example a byte above 255, a nonce of the wrong size).</summary>
    InvalidValue,

    /// <summary>A <c>datum_type</c> is neither a known variant index nor a known variant name.</summary>
    UnknownDatumType,

    /// <summary>A tensor's <c>bytes_data</c> (or string elements) do not match the element count its <c>fact</c> (shape) and type require.</summary>
    ShapeMismatch,

    /// <summary>The encoded message is longer than the limit for its kind.</summary>
    MessageTooLarge,

    /// <summary>More tensors than the limit (1,024).</summary>
    TooManyTensors,

    /// <summary>A shape has more dimensions than the limit (32).</summary>
    RankTooLarge,

    /// <summary>The tensors of one message hold more than the limit (64 MiB; a string element counts as its UTF-8 length plus 8 bytes).</summary>
    TensorTooLarge,

    /// <summary>A text string is longer than the limit (1 MiB of UTF-8).</summary>
    TextTooLong,

    /// <summary>A model (declared <c>length</c> or actual bytes) is larger than the limit (1 GiB).</summary>
    ModelTooLarge,

    /// <summary>An upload carries no model bytes (the original server's "Received no data").</summary>
    EmptyModel,

    /// <summary>An upload's declared <c>length</c> differs from the number of model bytes it carries.</summary>
    ModelLengthMismatch,

    /// <summary>
    /// A run or delete request names no model, names it both by id and by hash, or gives an id that is not a UUID
    /// or a hash that is not 64 hexadecimal digits.
    /// </summary>
    InvalidModelReference,

    /// <summary>A JSON document (problem details) is not well-formed or not an object.</summary>
    MalformedJson,
}
