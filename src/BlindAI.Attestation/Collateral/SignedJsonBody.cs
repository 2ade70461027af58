using System.Text.Json;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// Splits a PCS response body <c>{"tcbInfo":{…},"signature":"…"}</c> into the exact bytes of the signed inner object
/// (sliced by token positions, never re-serialised) and the signature text.
/// </summary>
internal static class SignedJsonBody
{
    public readonly record struct Parts(byte[] Document, string Signature);

    public static Parts Read(ReadOnlySpan<byte> body, string documentName, string what)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
        byte[]? document = null;
        string? signature = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.InvalidJson, $"{what} is not a JSON object.", reader.TokenStartIndex);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(documentName))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject || document is not null)
                    {
                        throw new AttestationFormatException(AttestationFormatErrorReason.InvalidField, $"{what}: '{documentName}' must appear once, as an object.", reader.TokenStartIndex);
                    }

                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    document = body[start..(int)reader.BytesConsumed].ToArray();
                }
                else if (reader.ValueTextEquals("signature"))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String || signature is not null)
                    {
                        throw new AttestationFormatException(AttestationFormatErrorReason.InvalidField, $"{what}: 'signature' must appear once, as a string.", reader.TokenStartIndex);
                    }

                    signature = reader.GetString()!;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.InvalidJson, $"{what} has content after its JSON object.", reader.TokenStartIndex);
            }
        }
        catch (JsonException e)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidJson, $"{what} is not valid JSON: {e.Message}", reader.BytesConsumed, e);
        }
        catch (InvalidOperationException e)
        {
            // Raised when a string with an invalid escape (a lone surrogate) is read.
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidEncoding, $"{what} holds a string that is not valid text: {e.Message}", reader.BytesConsumed, e);
        }

        return new Parts(
            document ?? throw new AttestationFormatException(AttestationFormatErrorReason.MissingField, $"{what} has no '{documentName}'."),
            signature ?? throw new AttestationFormatException(AttestationFormatErrorReason.MissingField, $"{what} has no 'signature'."));
    }
}
