namespace BlindAI.Attestation.RaTls;

/// <summary>The forms in which an RA-TLS certificate carries a quote.</summary>
public enum RaTlsEvidenceFormat
{
    /// <summary>TCG DICE tagged evidence (<c>2.23.133.5.4.9</c>): CBOR tag 60000 over [quote, claims]; report data = SHA-256(claims), the claims hold the key hash.</summary>
    Dice = 1,

    /// <summary>Legacy raw quote under the correctly encoded <c>1.2.840.113741.1337.6</c>; report data = SHA-256(SubjectPublicKeyInfo).</summary>
    Legacy,

    /// <summary>Legacy raw quote under Gramine's mis-encoded OID <c>0.6.9.42.840.113741.1337.6</c>; report data = SHA-256(SubjectPublicKeyInfo).</summary>
    GramineLegacy,

    /// <summary>Intel SGX SDK raw quote under <c>1.2.840.113741.1.13.1</c>: the DICE quote again, so it does not bind the key by itself.</summary>
    IntelSdk,
}
