using System.Buffers;

namespace BlindAI.Attestation.Collateral;

/// <summary>Hexadecimal text as collateral carries it (upper or lower case, no separators).</summary>
internal static class HexText
{
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        if (text.Length % 2 != 0)
        {
            bytes = [];
            return false;
        }

        bytes = new byte[text.Length / 2];
        return Convert.FromHexString(text, bytes, out _, out _) == OperationStatus.Done;
    }

    public static bool TryDecode(ReadOnlySpan<byte> utf8Text, out byte[] bytes)
    {
        if (utf8Text.Length % 2 != 0)
        {
            bytes = [];
            return false;
        }

        bytes = new byte[utf8Text.Length / 2];
        return Convert.FromHexString(utf8Text, bytes, out _, out _) == OperationStatus.Done;
    }
}
