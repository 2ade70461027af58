using CsCheck;

namespace BlindAI.Attestation.Tests.Properties;

/// <summary>One edit of a byte string: flip bits of a byte, insert a byte, delete a byte, or truncate.</summary>
/// <param name="Kind">0 flip, 1 insert, 2 delete, 3 truncate.</param>
/// <param name="Position">Where, as a fraction of the editable length.</param>
/// <param name="Value">The XOR mask (never zero) or the inserted byte.</param>
internal sealed record ByteMutation(int Kind, double Position, byte Value)
{
    /// <summary>One to four edits.</summary>
    public static readonly Gen<ByteMutation[]> Edits =
        Gen.Select(Gen.Int[0, 3], Gen.Double.Unit, Gen.Byte[1, 255], (kind, position, value) => new ByteMutation(kind, position, value)).Array[1, 4];

    /// <summary>
    /// Applies <paramref name="edits"/> to the first <paramref name="editable"/> bytes of <paramref name="original"/>
    /// (bytes after them, such as padding a parser ignores, are never the target).
    /// </summary>
    /// <param name="original">The real input.</param>
    /// <param name="editable">How many leading bytes are meaningful.</param>
    /// <param name="edits">The edits.</param>
    /// <returns>The mutated bytes, or null when the edits cancel out.</returns>
    public static byte[]? Apply(byte[] original, int editable, ByteMutation[] edits)
    {
        var bytes = new List<byte>(original);
        foreach (ByteMutation edit in edits)
        {
            if (editable == 0)
            {
                break;
            }

            int at = Math.Min(editable - 1, (int)(edit.Position * editable));
            switch (edit.Kind)
            {
                case 0:
                    bytes[at] ^= edit.Value;
                    break;
                case 1:
                    bytes.Insert(at, edit.Value);
                    editable++;
                    break;
                case 2:
                    bytes.RemoveAt(at);
                    editable--;
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    editable = at;
                    break;
            }
        }

        byte[] result = [.. bytes];
        return result.AsSpan().SequenceEqual(original) ? null : result;
    }
}
