using BlindAI.Protocol.Messages;

namespace BlindAI.Protocol.Cbor;

/// <summary>Untrusted-port bodies: certificate, quote, collateral, fresh evidence.</summary>
public sealed partial class MessageCodec
{
    private static readonly FieldSet CollateralFields = FieldSet.AllRequired("SgxCollateral",
        "version", "pck_crl_issuer_chain", "root_ca_crl", "pck_crl", "tcb_info_issuer_chain", "tcb_info",
        "qe_identity_issuer_chain", "qe_identity", "pck_certificate", "pck_signing_chain");

    private static readonly FieldSet EvidenceRequestFields = FieldSet.AllRequired("FreshEvidenceRequest", "nonce");
    private static readonly FieldSet EvidenceReplyFields = FieldSet.AllRequired("FreshEvidenceReply", "format", "evidence", "nonce");

    /// <summary>Encodes the body of <c>GET /</c>: the certificate's DER as a CBOR byte string.</summary>
    /// <param name="der">The DER-encoded X.509 certificate.</param>
    /// <returns>The CBOR body.</returns>
    public byte[] EncodeCertificate(ReadOnlySpan<byte> der) => EncodeByteString(der);

    /// <summary>Decodes the body of <c>GET /</c> (client side). The DER is not parsed here.</summary>
    /// <param name="data">The CBOR body.</param>
    /// <returns>The DER bytes (a slice of <paramref name="data"/>).</returns>
    /// <exception cref="ProtocolException">The body is not a single non-empty CBOR byte string.</exception>
    public ReadOnlyMemory<byte> DecodeCertificate(ReadOnlyMemory<byte> data) => DecodeByteString(data, "certificate");

    /// <summary>Encodes the body of <c>GET /quote</c>: the raw quote as a CBOR byte string.</summary>
    /// <param name="quote">The quote.</param>
    /// <returns>The CBOR body.</returns>
    public byte[] EncodeQuote(ReadOnlySpan<byte> quote) => EncodeByteString(quote);

    /// <summary>Decodes the body of <c>GET /quote</c> (client side). The quote is not parsed here.</summary>
    /// <param name="data">The CBOR body.</param>
    /// <returns>The quote bytes (a slice of <paramref name="data"/>).</returns>
    /// <exception cref="ProtocolException">The body is not a single non-empty CBOR byte string.</exception>
    public ReadOnlyMemory<byte> DecodeQuote(ReadOnlyMemory<byte> data) => DecodeByteString(data, "quote");

    /// <summary>Encodes the body of <c>GET /collateral</c>: the ten keys in the original order.</summary>
    /// <param name="collateral">The collateral.</param>
    /// <returns>The CBOR body.</returns>
    public byte[] EncodeCollateral(SgxCollateral collateral)
    {
        ArgumentNullException.ThrowIfNull(collateral);
        return CborOutput.Encode(collateral, static (w, c) =>
        {
            w.WriteMapHeader(10);
            w.WriteKey("version"u8);
            w.WriteUInt64(c.Version);
            w.WriteKey("pck_crl_issuer_chain"u8);
            w.WriteText(c.PckCrlIssuerChain);
            w.WriteKey("root_ca_crl"u8);
            w.WriteText(c.RootCaCrl);
            w.WriteKey("pck_crl"u8);
            w.WriteText(c.PckCrl);
            w.WriteKey("tcb_info_issuer_chain"u8);
            w.WriteText(c.TcbInfoIssuerChain);
            w.WriteKey("tcb_info"u8);
            w.WriteText(c.TcbInfo);
            w.WriteKey("qe_identity_issuer_chain"u8);
            w.WriteText(c.QeIdentityIssuerChain);
            w.WriteKey("qe_identity"u8);
            w.WriteText(c.QeIdentity);
            w.WriteKey("pck_certificate"u8);
            w.WriteText(c.PckCertificate);
            w.WriteKey("pck_signing_chain"u8);
            w.WriteText(c.PckSigningChain);
        });
    }

    /// <summary>Decodes the body of <c>GET /collateral</c> (client side).</summary>
    /// <param name="data">The CBOR body.</param>
    /// <returns>The collateral.</returns>
    /// <exception cref="ProtocolException">The body is malformed, a key is missing, or <c>version</c> exceeds 32 bits.</exception>
    public SgxCollateral DecodeCollateral(ReadOnlyMemory<byte> data) => Decode(data, static r =>
    {
        uint version = 0;
        var text = new string[10];
        StructScope scope = r.BeginStruct(CollateralFields);
        while (r.NextField(ref scope, out int field))
        {
            if (field == 0)
            {
                ulong value = r.ReadUInt64();
                version = value <= uint.MaxValue ? (uint)value : throw r.Fail(ProtocolErrorReason.InvalidValue, $"version {value} exceeds 32 bits.");
            }
            else
            {
                text[field] = r.ReadText();
            }

            r.EndField();
        }

        r.EndStruct(ref scope);
        return new SgxCollateral(version, text[1], text[2], text[3], text[4], text[5], text[6], text[7], text[8], text[9]);
    });

    /// <summary>
    /// Encodes the body of <c>POST /evidence</c> (extension), <c>{nonce}</c>. Like the certificate and quote bodies, this
    /// one-field message is encoded from its field.
    /// </summary>
    /// <param name="nonce"><see cref="FreshEvidenceReply.NonceLength"/> random bytes chosen by the client.</param>
    /// <returns>The CBOR body.</returns>
    /// <exception cref="ArgumentException">The nonce is not 32 bytes.</exception>
    public byte[] EncodeFreshEvidenceRequest(ReadOnlySpan<byte> nonce)
    {
        RequireNonce(nonce.Length);
        return CborOutput.Encode(nonce.ToArray(), static (w, n) =>
        {
            w.WriteMapHeader(1);
            w.WriteKey("nonce"u8);
            w.WriteByteString(n);
        });
    }

    /// <summary>Decodes the body of <c>POST /evidence</c> (server side) to its nonce.</summary>
    /// <param name="data">The CBOR body.</param>
    /// <returns>The nonce; it aliases <paramref name="data"/>.</returns>
    /// <exception cref="ProtocolException">The body is malformed or the nonce is not 32 bytes.</exception>
    public ReadOnlyMemory<byte> DecodeFreshEvidenceRequest(ReadOnlyMemory<byte> data) => Decode(data, static r =>
    {
        ReadOnlyMemory<byte> nonce = default;
        StructScope scope = r.BeginStruct(EvidenceRequestFields);
        while (r.NextField(ref scope, out _))
        {
            nonce = ReadNonce(r);
            r.EndField();
        }

        r.EndStruct(ref scope);
        return nonce;
    });

    /// <summary>Encodes a fresh-evidence reply (extension): <c>{format, evidence, nonce}</c>.</summary>
    /// <param name="message">The reply.</param>
    /// <returns>The CBOR body.</returns>
    /// <exception cref="ArgumentException">The nonce is not 32 bytes.</exception>
    public byte[] EncodeFreshEvidenceReply(FreshEvidenceReply message)
    {
        ArgumentNullException.ThrowIfNull(message);
        RequireNonce(message.Nonce.Length);
        return CborOutput.Encode(message, static (w, m) =>
        {
            w.WriteMapHeader(3);
            w.WriteKey("format"u8);
            w.WriteText(m.Format);
            w.WriteKey("evidence"u8);
            w.WriteByteString(m.Evidence.Span);
            w.WriteKey("nonce"u8);
            w.WriteByteString(m.Nonce.Span);
        });
    }

    /// <summary>Decodes a fresh-evidence reply (client side). The evidence is not verified here.</summary>
    /// <param name="data">The CBOR body.</param>
    /// <returns>The reply; its byte fields alias <paramref name="data"/>.</returns>
    /// <exception cref="ProtocolException">The body is malformed, the evidence empty or the nonce not 32 bytes.</exception>
    public FreshEvidenceReply DecodeFreshEvidenceReply(ReadOnlyMemory<byte> data) => Decode(data, static r =>
    {
        string? format = null;
        ReadOnlyMemory<byte> evidence = default, nonce = default;
        StructScope scope = r.BeginStruct(EvidenceReplyFields);
        while (r.NextField(ref scope, out int field))
        {
            switch (field)
            {
                case 0:
                    format = r.ReadText();
                    break;
                case 1:
                    evidence = r.ReadByteString(r.Limits.MaxMessageBytes, ProtocolErrorReason.MessageTooLarge);
                    if (evidence.IsEmpty)
                    {
                        throw r.Fail(ProtocolErrorReason.InvalidValue, "The evidence is empty.");
                    }

                    break;
                default:
                    nonce = ReadNonce(r);
                    break;
            }

            r.EndField();
        }

        r.EndStruct(ref scope);
        return new FreshEvidenceReply(format!, evidence, nonce);
    });

    private static ReadOnlyMemory<byte> ReadNonce(WireReader r)
    {
        ReadOnlyMemory<byte> nonce = r.ReadByteString(FreshEvidenceReply.NonceLength, ProtocolErrorReason.InvalidValue);
        return nonce.Length == FreshEvidenceReply.NonceLength
            ? nonce
            : throw r.Fail(ProtocolErrorReason.InvalidValue, $"The nonce is {nonce.Length} bytes, not {FreshEvidenceReply.NonceLength}.");
    }

    private static void RequireNonce(int length)
    {
        if (length != FreshEvidenceReply.NonceLength)
        {
            throw new ArgumentException($"The nonce must be {FreshEvidenceReply.NonceLength} bytes, got {length}.", "nonce");
        }
    }

    private static byte[] EncodeByteString(ReadOnlySpan<byte> value)
    {
        // CborOutput.Encode takes a delegate, which cannot capture a span: size the array directly.
        byte[] copy = value.ToArray();
        return CborOutput.Encode(copy, static (w, v) => w.WriteByteString(v));
    }

    private ReadOnlyMemory<byte> DecodeByteString(ReadOnlyMemory<byte> data, string what) => Decode(data, r =>
    {
        ReadOnlyMemory<byte> value = r.ReadByteString(r.Limits.MaxMessageBytes, ProtocolErrorReason.MessageTooLarge);
        return value.IsEmpty ? throw r.Fail(ProtocolErrorReason.InvalidValue, $"The {what} is empty.") : value;
    });
}
