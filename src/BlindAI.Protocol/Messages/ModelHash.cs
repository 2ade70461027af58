using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace BlindAI.Protocol.Messages;

/// <summary>
/// The SHA-256 of a model's ONNX bytes, as returned by an upload (<c>hash</c>, a 32-byte byte string) and used to run
/// a model by hash (<c>model_hash</c>, 64 hexadecimal digits).
/// </summary>
public sealed class ModelHash : IEquatable<ModelHash>
{
    /// <summary>The length of a SHA-256 digest.</summary>
    public const int Length = 32;

    private readonly byte[] _bytes;

    private ModelHash(byte[] bytes) => _bytes = bytes;

    /// <summary>The 32 digest bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Wraps a copy of a 32-byte digest.</summary>
    /// <param name="digest">The digest.</param>
    /// <returns>The hash.</returns>
    /// <exception cref="ArgumentException"><paramref name="digest"/> is not 32 bytes long.</exception>
    public static ModelHash FromBytes(ReadOnlySpan<byte> digest) =>
        digest.Length == Length
            ? new ModelHash(digest.ToArray())
            : throw new ArgumentException($"A model hash is {Length} bytes, got {digest.Length}.", nameof(digest));

    /// <summary>Computes the hash of model bytes.</summary>
    /// <param name="model">The ONNX model bytes.</param>
    /// <returns>SHA-256 of <paramref name="model"/>.</returns>
    public static ModelHash Compute(ReadOnlySpan<byte> model) => new(SHA256.HashData(model));

    /// <summary>Parses 64 hexadecimal digits (upper or lower case, as the original server's <c>from_hex</c>).</summary>
    /// <param name="hex">The text.</param>
    /// <param name="hash">The hash when parsing succeeds.</param>
    /// <returns><see langword="true"/> when <paramref name="hex"/> is a hex SHA-256 digest.</returns>
    public static bool TryParse([NotNullWhen(true)] string? hex, [NotNullWhen(true)] out ModelHash? hash)
    {
        hash = null;
        if (hex is null || hex.Length != Length * 2)
        {
            return false;
        }

        var bytes = new byte[Length];
        if (Convert.FromHexString(hex, bytes, out _, out int written) != System.Buffers.OperationStatus.Done || written != Length)
        {
            return false;
        }

        hash = new ModelHash(bytes);
        return true;
    }

    /// <summary>Parses 64 hexadecimal digits.</summary>
    /// <param name="hex">The text.</param>
    /// <returns>The hash.</returns>
    /// <exception cref="FormatException"><paramref name="hex"/> is not 64 hexadecimal digits.</exception>
    public static ModelHash Parse(string hex) =>
        TryParse(hex, out ModelHash? hash) ? hash : throw new FormatException("A model hash must be 64 hexadecimal digits.");

    /// <summary>The lowercase hexadecimal form sent as <c>model_hash</c> (the Python client's <c>hash.hex()</c>).</summary>
    /// <returns>64 lowercase hexadecimal digits.</returns>
    public override string ToString() => Convert.ToHexStringLower(_bytes);

    /// <summary>Compares the digests in constant time (a lookup by a guessed hash must not reveal how much of it matches).</summary>
    /// <param name="other">The other hash.</param>
    /// <returns><see langword="true"/> when both hold the same digest.</returns>
    public bool Equals(ModelHash? other) => other is not null && CryptographicOperations.FixedTimeEquals(_bytes, other._bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ModelHash);

    /// <inheritdoc/>
    public override int GetHashCode() => BitConverter.ToInt32(_bytes, 0);

    /// <summary>Compares two hashes by value.</summary>
    /// <param name="left">The first hash.</param>
    /// <param name="right">The second hash.</param>
    /// <returns><see langword="true"/> when both are null or hold the same digest.</returns>
    public static bool operator ==(ModelHash? left, ModelHash? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Compares two hashes by value.</summary>
    /// <param name="left">The first hash.</param>
    /// <param name="right">The second hash.</param>
    /// <returns><see langword="true"/> when the digests differ.</returns>
    public static bool operator !=(ModelHash? left, ModelHash? right) => !(left == right);
}
