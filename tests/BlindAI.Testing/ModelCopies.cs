using System.Text;

namespace BlindAI.Testing;

/// <summary>Distinct copies of one ONNX model (also linked into the load tool).</summary>
public static class ModelCopies
{
    /// <summary>
    /// <paramref name="model"/> with one more <c>ModelProto.doc_string</c> (field 6) appended: protobuf keeps the last
    /// value of a field, so this is the same network under a new SHA-256, and the host loads and stores it as a model
    /// of its own instead of sharing the session of the original.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="tag"/> is longer than 127 UTF-8 bytes.</exception>
    public static byte[] WithDocString(byte[] model, string tag)
    {
        byte[] text = Encoding.UTF8.GetBytes(tag);
        if (text.Length > 127)
        {
            throw new ArgumentException("The tag must fit a one-byte length.", nameof(tag));
        }

        byte[] copy = new byte[model.Length + 2 + text.Length];
        model.CopyTo(copy, 0);
        copy[model.Length] = (6 << 3) | 2;
        copy[model.Length + 1] = (byte)text.Length;
        text.CopyTo(copy, model.Length + 2);
        return copy;
    }
}
