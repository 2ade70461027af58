using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// Reads and writes the dcap-qvl collateral bundle (<c>QuoteCollateralV3</c>), the interchange format of this project:
/// one JSON object with <c>pck_crl_issuer_chain</c>, <c>root_ca_crl</c> (hex DER), <c>pck_crl</c> (hex DER),
/// <c>tcb_info_issuer_chain</c>, <c>tcb_info</c> (the exact signed JSON text), <c>tcb_info_signature</c> (hex r||s),
/// <c>qe_identity_issuer_chain</c>, <c>qe_identity</c> and <c>qe_identity_signature</c>. Other members are ignored.
/// </summary>
internal static class DcapQvlCollateralJson
{
    private const int MaxSize = 8 * 1024 * 1024;

    private static readonly string[] FieldNames =
    [
        "pck_crl_issuer_chain", "root_ca_crl", "pck_crl", "tcb_info_issuer_chain", "tcb_info", "tcb_info_signature",
        "qe_identity_issuer_chain", "qe_identity", "qe_identity_signature",
    ];

    /// <summary>Reads a dcap-qvl collateral bundle.</summary>
    /// <param name="utf8Json">The bundle's UTF-8 JSON.</param>
    /// <returns>The collateral.</returns>
    /// <exception cref="AttestationFormatException">The JSON is malformed, a member is missing, or a piece is malformed.</exception>
    public static QuoteCollateral Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length > MaxSize)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidLength, $"A collateral bundle of {utf8Json.Length} bytes is larger than {MaxSize}.");
        }

        var fields = ReadFields(utf8Json);
        string Text(int i) => Encoding.UTF8.GetString(fields[i]);
        var tcbInfoIssuerChain = CertificateChain.Parse(Text(3));
        return new QuoteCollateral
        {
            PckCrlIssuerChain = CertificateChain.Parse(Text(0)),
            RootCaCrl = RevocationList.Parse(fields[1]),
            PckCrl = RevocationList.Parse(fields[2]),
            TcbInfoIssuerChain = tcbInfoIssuerChain,
            TcbInfo = TcbInfo.Parse(fields[4]),
            TcbInfoSignature = [.. CollateralSignature.FromHex(Text(5), "tcb_info_signature")],

            // Intel signs both with the TCB signing certificate: the same text is decoded (and its key created) once.
            QeIdentityIssuerChain = fields[6].AsSpan().SequenceEqual(fields[3]) ? tcbInfoIssuerChain : CertificateChain.Parse(Text(6)),
            QeIdentity = QeIdentity.Parse(fields[7]),
            QeIdentitySignature = [.. CollateralSignature.FromHex(Text(8), "qe_identity_signature")],
        };
    }

    /// <summary>Reads a dcap-qvl collateral bundle, without throwing.</summary>
    /// <param name="utf8Json">The bundle's UTF-8 JSON.</param>
    /// <param name="collateral">The collateral, when the bundle is well formed.</param>
    /// <param name="error">The reason it is not, otherwise.</param>
    /// <returns><see langword="true"/> when the bundle is well formed.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, [NotNullWhen(true)] out QuoteCollateral? collateral, [NotNullWhen(false)] out AttestationFormatException? error)
    {
        try
        {
            collateral = Parse(utf8Json);
            error = null;
            return true;
        }
        catch (AttestationFormatException e)
        {
            collateral = null;
            error = e;
            return false;
        }
    }

    /// <summary>
    /// Writes collateral as a dcap-qvl bundle. <c>tcb_info</c> and <c>qe_identity</c> hold the exact signed bytes
    /// (JSON-escaped inside a string, so a reader gets the same bytes back); CRLs are hex of their DER.
    /// </summary>
    /// <param name="collateral">The collateral.</param>
    /// <returns>The bundle as indented UTF-8 JSON.</returns>
    public static byte[] Serialize(QuoteCollateral collateral)
    {
        ArgumentNullException.ThrowIfNull(collateral);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("pck_crl_issuer_chain", collateral.PckCrlIssuerChain.ToPem());
            writer.WriteString("root_ca_crl", Convert.ToHexStringLower(collateral.RootCaCrl.Der.Span));
            writer.WriteString("pck_crl", Convert.ToHexStringLower(collateral.PckCrl.Der.Span));
            writer.WriteString("tcb_info_issuer_chain", collateral.TcbInfoIssuerChain.ToPem());
            writer.WriteString("tcb_info", collateral.TcbInfo.RawJson.Span);
            writer.WriteString("tcb_info_signature", Convert.ToHexStringLower(collateral.TcbInfoSignature.AsSpan()));
            writer.WriteString("qe_identity_issuer_chain", collateral.QeIdentityIssuerChain.ToPem());
            writer.WriteString("qe_identity", collateral.QeIdentity.RawJson.Span);
            writer.WriteString("qe_identity_signature", Convert.ToHexStringLower(collateral.QeIdentitySignature.AsSpan()));
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Collects the unescaped UTF-8 value of every known string member: for tcb_info/qe_identity these are the signed bytes.</summary>
    private static byte[][] ReadFields(ReadOnlySpan<byte> utf8Json)
    {
        var values = new byte[FieldNames.Length][];
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 16 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.InvalidJson, "A collateral bundle must be a JSON object.", reader.TokenStartIndex);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var index = FieldIndex(ref reader);
                if (index < 0)
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                var name = FieldNames[index];
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new AttestationFormatException(AttestationFormatErrorReason.InvalidField, $"Collateral bundle member '{name}' must be a string.", reader.TokenStartIndex);
                }

                if (values[index] is not null)
                {
                    throw new AttestationFormatException(AttestationFormatErrorReason.InvalidJson, $"Collateral bundle member '{name}' appears twice.", reader.TokenStartIndex);
                }

                values[index] = Unescaped(ref reader);
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.InvalidJson, "A collateral bundle has content after its JSON object.", reader.TokenStartIndex);
            }
        }
        catch (JsonException e)
        {
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidJson, $"A collateral bundle is not valid JSON: {e.Message}", reader.BytesConsumed, e);
        }
        catch (InvalidOperationException e)
        {
            // Raised when a string with an invalid escape (a lone surrogate) is read.
            throw new AttestationFormatException(AttestationFormatErrorReason.InvalidEncoding, $"A collateral bundle holds a string that is not valid text: {e.Message}", reader.BytesConsumed, e);
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is null)
            {
                throw new AttestationFormatException(AttestationFormatErrorReason.MissingField, $"A collateral bundle has no '{FieldNames[i]}'.");
            }
        }

        return values;
    }

    private static int FieldIndex(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < FieldNames.Length; i++)
        {
            if (reader.ValueTextEquals(FieldNames[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static byte[] Unescaped(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan.ToArray();
        }

        var buffer = new byte[reader.ValueSpan.Length];
        var written = reader.CopyString(buffer);
        return buffer[..written];
    }
}
