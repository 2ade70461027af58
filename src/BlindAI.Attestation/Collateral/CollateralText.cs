using System.Text;

namespace BlindAI.Attestation.Collateral;

/// <summary>Decoding of the text encodings collateral arrives in (strict UTF-8, hex, PEM).</summary>
internal static class CollateralText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string DecodeUtf8(ReadOnlySpan<byte> utf8, string what)
    {
        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidEncoding, $"{what} is not UTF-8 text.", e.Index, e);
        }
    }
}
