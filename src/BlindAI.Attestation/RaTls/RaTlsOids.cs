namespace BlindAI.Attestation.RaTls;

/// <summary>Object identifiers and limits of the RA-TLS evidence extensions.</summary>
public static class RaTlsOids
{
    /// <summary>TCG DICE conceptual message wrapper (tagged evidence): <c>2.23.133.5.4.9</c>.</summary>
    public const string DiceTaggedEvidence = "2.23.133.5.4.9";

    /// <summary>Intel's legacy RA-TLS raw SGX quote, correctly encoded: <c>1.2.840.113741.1337.6</c>.</summary>
    public const string LegacySgxQuote = "1.2.840.113741.1337.6";

    /// <summary>
    /// How Gramine's legacy extension OID decodes on the wire: Gramine passes the already encoded OID bytes as the OID
    /// content, so <c>1.2.840.113741.1337.6</c> reads as <c>0.6.9.42.840.113741.1337.6</c>.
    /// </summary>
    public const string GramineMisencodedLegacySgxQuote = "0.6.9.42.840.113741.1337.6";

    /// <summary>The Intel SGX SDK's raw-quote extension (same OID as the PCK certificate's SGX extensions): <c>1.2.840.113741.1.13.1</c>.</summary>
    public const string IntelSdkQuote = "1.2.840.113741.1.13.1";

    /// <summary>The CBOR tag for an Intel TEE quote in tagged evidence: 60000.</summary>
    public const ulong IntelTeeQuoteCborTag = 60000;

    /// <summary>The largest evidence extension Gramine's verifier accepts: 8192 bytes.</summary>
    public const int GramineMaxEvidenceLength = 8192;

    /// <summary>The claim that binds the certificate's public key: <c>pubkey-hash</c>.</summary>
    public const string PublicKeyHashClaim = "pubkey-hash";

    /// <summary>The optional claim carrying a verifier nonce: <c>nonce</c>.</summary>
    public const string NonceClaim = "nonce";
}
