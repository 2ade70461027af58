namespace BlindAI.Client.Attestation;

/// <summary>Where the verified quote came from.</summary>
public enum EvidenceSource
{
    /// <summary>The RA-TLS certificate's evidence extension (its report data binds the certificate's public key).</summary>
    RaTlsCertificate = 0,

    /// <summary>The original BlindAI <c>GET /quote</c> route (report data = SHA-256 of the certificate DER, then zeros).</summary>
    QuoteRoute = 1,
}
