namespace BlindAI.Enclave.RaTls;

/// <summary>Object identifiers of the RA-TLS evidence extensions the builder writes.</summary>
public static class RaTlsExtensionOids
{
    /// <summary>TCG DICE conceptual message wrapper (tagged evidence): <c>2.23.133.5.4.9</c>.</summary>
    public const string DiceTaggedEvidence = "2.23.133.5.4.9";

    /// <summary>Intel's legacy RA-TLS raw SGX quote, correctly encoded: <c>1.2.840.113741.1337.6</c>.</summary>
    public const string LegacySgxQuote = "1.2.840.113741.1337.6";

    /// <summary>The CBOR tag for an Intel TEE quote in tagged evidence: 60000.</summary>
    public const ulong IntelTeeQuoteCborTag = 60000;

    /// <summary>The largest evidence extension Gramine's verifier accepts: 8192 bytes.</summary>
    public const int GramineMaxEvidenceLength = 8192;
}
