namespace BlindAI.Protocol.Cbor;

/// <summary>
/// Encodes and decodes every message of the BlindAI 0.6 protocol and its extensions as CBOR, byte-compatible with the
/// original server (serde_cbor 0.11) and its Python client (cbor2).
/// </summary>
/// <remarks>
/// <para>
/// Decoding accepts what the original server accepted: map keys in any order, unknown keys ignored, a field named by
/// its text or byte-string name or by its declaration index, a struct sent as an array of its fields, semantic tags
/// (ignored), indefinite-length items, datum types as variant index or name, <c>serde_bytes</c> fields as a byte
/// string or an array of 0..255. It rejects what it rejected: missing required fields, a known field twice, trailing
/// bytes, invalid UTF-8, nesting deeper than 64. On top of that it enforces
/// the limits of <see cref="Default"/> before allocating and checks every tensor's shape against its data.
/// Every failure is a <see cref="ProtocolException"/>.
/// </para>
/// <para>
/// Decoded byte fields (<c>bytes_data</c>, <c>model</c> as a byte string, certificates, quotes) are slices of the input
/// buffer, not copies: keep the buffer unchanged while the decoded message is in use.
/// </para>
/// <para>
/// Requests are encoded as the Python client writes them (same key order, datum types as integers); replies as the
/// original server writes them (declaration order, datum types as variant names). Instances are immutable and thread-safe.
/// </para>
/// </remarks>
public sealed partial class MessageCodec
{
    /// <summary>Creates a codec with <paramref name="limits"/>, or <see cref="ProtocolLimits.Default"/> (tests tighten them).</summary>
    /// <param name="limits">The decoding limits.</param>
    /// <exception cref="ArgumentException">A limit is out of range.</exception>
    internal MessageCodec(ProtocolLimits? limits = null)
    {
        limits ??= ProtocolLimits.Default;
        limits.Validate();
        Limits = limits;
    }

    /// <summary>
    /// The codec, with the default limits: 64 MiB per message, 1 GiB per model, 1,024 tensors of rank 32 at most,
    /// 64 MiB of tensor data, 1 MiB per text string, nesting 64 deep.
    /// </summary>
    public static MessageCodec Default { get; } = new();

    /// <summary>The decoding limits.</summary>
    internal ProtocolLimits Limits { get; }

    private T Decode<T>(ReadOnlyMemory<byte> data, Func<WireReader, T> read) =>
        WireReader.Decode(data, Limits, Limits.MaxMessageBytes, read);
}
