using System.Text;

namespace BlindAI.Protocol.Cbor;

/// <summary>
/// The fields of one wire struct in declaration order, as serde derives them: a map key matches a field by its name
/// (text or byte string) or by its declaration index (unsigned integer).
/// </summary>
internal sealed class FieldSet
{
    private readonly byte[][] _utf8Names;

    public FieldSet(string typeName, string[] names, ulong requiredMask)
    {
        TypeName = typeName;
        Names = names;
        RequiredMask = requiredMask;
        _utf8Names = [.. names.Select(Encoding.UTF8.GetBytes)];
    }

    public string TypeName { get; }

    public string[] Names { get; }

    public ulong RequiredMask { get; }

    public int Count => Names.Length;

    public static FieldSet AllRequired(string typeName, params string[] names) =>
        new(typeName, names, names.Length == 64 ? ulong.MaxValue : (1UL << names.Length) - 1);

    public int IndexOf(ReadOnlySpan<byte> utf8Name)
    {
        for (int i = 0; i < _utf8Names.Length; i++)
        {
            if (utf8Name.SequenceEqual(_utf8Names[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
