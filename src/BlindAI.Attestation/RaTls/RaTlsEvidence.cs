using BlindAI.Attestation.Quotes;

namespace BlindAI.Attestation.RaTls;

/// <summary>One evidence extension found in an RA-TLS certificate, with the result of its key-binding check.</summary>
public sealed class RaTlsEvidence
{
    internal RaTlsEvidence(
        RaTlsEvidenceFormat format,
        string extensionOid,
        ReadOnlyMemory<byte> rawQuote,
        Quote? quote,
        AttestationFormatException? quoteError,
        bool bindingVerified,
        string bindingDetail,
        ReadOnlyMemory<byte>? claims,
        ReadOnlyMemory<byte>? nonce)
    {
        Format = format;
        ExtensionOid = extensionOid;
        RawQuote = rawQuote;
        Quote = quote;
        QuoteError = quoteError;
        BindingVerified = bindingVerified;
        BindingDetail = bindingDetail;
        Claims = claims;
        Nonce = nonce;
    }

    /// <summary>The evidence form.</summary>
    public RaTlsEvidenceFormat Format { get; }

    /// <summary>The extension's OID as it decodes.</summary>
    public string ExtensionOid { get; }

    /// <summary>The quote bytes as carried.</summary>
    public ReadOnlyMemory<byte> RawQuote { get; }

    /// <summary>The parsed quote, or <see langword="null"/> when it cannot be parsed (see <see cref="QuoteError"/>).</summary>
    public Quote? Quote { get; }

    /// <summary>Why the quote cannot be parsed, or <see langword="null"/>.</summary>
    public AttestationFormatException? QuoteError { get; }

    /// <summary>Whether the quote's report data binds the certificate's public key (through the claims for DICE evidence).</summary>
    public bool BindingVerified { get; }

    /// <summary>What the binding check found, for people: the hash compared, or why it failed.</summary>
    public string BindingDetail { get; }

    /// <summary>The serialized CBOR claims map (DICE evidence only).</summary>
    public ReadOnlyMemory<byte>? Claims { get; }

    /// <summary>The <c>nonce</c> claim, when the DICE claims carry one.</summary>
    public ReadOnlyMemory<byte>? Nonce { get; }
}
