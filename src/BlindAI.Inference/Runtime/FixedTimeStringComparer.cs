using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace BlindAI.Inference.Runtime;

/// <summary>
/// Ordinal string equality in constant time for equal lengths, for keys a caller guesses at (model hashes): a lookup must
/// not reveal how many leading characters of a guess match a stored key. Hash codes stay the runtime's randomized
/// ordinal ones, so a dictionary reaches this comparison only on a full hash-code match.
/// </summary>
internal sealed class FixedTimeStringComparer : IEqualityComparer<string>
{
    public static FixedTimeStringComparer Instance { get; } = new();

    private FixedTimeStringComparer()
    {
    }

    public bool Equals(string? x, string? y) =>
        x is null || y is null
            ? ReferenceEquals(x, y)
            : CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(x.AsSpan()), MemoryMarshal.AsBytes(y.AsSpan()));

    public int GetHashCode(string obj) => string.GetHashCode(obj, StringComparison.Ordinal);
}
