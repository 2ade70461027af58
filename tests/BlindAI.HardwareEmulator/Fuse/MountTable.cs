using System.Text;

namespace BlindAI.HardwareEmulator.Fuse;

/// <summary>Reads <c>/proc/self/mountinfo</c>: which file systems are mounted on a folder.</summary>
internal static class MountTable
{
    /// <summary>The file-system types mounted exactly on <paramref name="mountPoint"/>, innermost last.</summary>
    public static IReadOnlyList<string> TypesMountedOn(string mountPoint)
    {
        var types = new List<string>();
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            // "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw": the fifth field is the mount point,
            // the first after the "-" separator the type.
            string[] fields = line.Split(' ');
            int separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 0 || separator + 1 >= fields.Length)
            {
                continue;
            }

            if (string.Equals(Unescape(fields[4]), mountPoint, StringComparison.Ordinal))
            {
                types.Add(fields[separator + 1]);
            }
        }

        return types;
    }

    /// <summary>mountinfo writes space, tab, newline and backslash as three octal digits after a backslash.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var bytes = new List<byte>(field.Length);
        byte[] raw = Encoding.UTF8.GetBytes(field);
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] == (byte)'\\' && IsOctal(raw, i + 1))
            {
                bytes.Add((byte)(((raw[i + 1] - '0') * 64) + ((raw[i + 2] - '0') * 8) + (raw[i + 3] - '0')));
                i += 3;
            }
            else
            {
                bytes.Add(raw[i]);
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(byte[] raw, int start) =>
        start + 2 < raw.Length && raw.AsSpan(start, 3).IndexOfAnyExceptInRange((byte)'0', (byte)'7') < 0;
}
