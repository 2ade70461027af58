using System.Collections.Immutable;
using BlindAI.Attestation.Quotes;

namespace BlindAI.Attestation.RaTls;

/// <summary>Every evidence form found in an RA-TLS certificate, and the rule that picks the one to trust.</summary>
public sealed class RaTlsCertificateEvidence
{
    internal RaTlsCertificateEvidence(ReadOnlyMemory<byte> subjectPublicKeyInfo, Measurement publicKeySha256, ImmutableArray<RaTlsEvidence> evidence)
    {
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
        PublicKeySha256 = publicKeySha256;
        Evidence = evidence;
    }

    /// <summary>The certificate's DER SubjectPublicKeyInfo, exactly as encoded in the certificate.</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; }

    /// <summary>SHA-256 of <see cref="SubjectPublicKeyInfo"/>.</summary>
    public Measurement PublicKeySha256 { get; }

    /// <summary>Every evidence extension found, in certificate order.</summary>
    public ImmutableArray<RaTlsEvidence> Evidence { get; }

    /// <summary>
    /// The evidence to verify, chosen as Gramine does but failing closed: DICE evidence when present (and then it must
    /// bind the key: a bad DICE extension is never bypassed through a legacy one), else a legacy raw quote, which must
    /// bind the key. The Intel SDK form never binds the key on its own. Binding includes report_data[32..64] being zero,
    /// as both formats define it. DICE evidence carrying a <c>nonce</c> claim is refused: the claim answers a challenge
    /// a verifier sent for its own session, and whoever calls this method sent none (BlindAI certificates are made once,
    /// at the server's start; liveness comes from a separate fresh quote), so the evidence was made for someone else.
    /// </summary>
    /// <returns>The bound evidence, with a parsed quote.</returns>
    /// <exception cref="AttestationException">No evidence (<see cref="AttestationFailureReason.EvidenceMissing"/>), the chosen evidence does not bind the key (<see cref="AttestationFailureReason.CertificateBindingMismatch"/>), or it carries another session's nonce (<see cref="AttestationFailureReason.NonceMismatch"/>).</exception>
    /// <exception cref="AttestationFormatException">The chosen evidence's quote cannot be parsed.</exception>
    public RaTlsEvidence GetBoundEvidence()
    {
        RaTlsEvidence? chosen = Evidence.FirstOrDefault(e => e.Format == RaTlsEvidenceFormat.Dice)
            ?? Evidence.FirstOrDefault(e => e.Format == RaTlsEvidenceFormat.Legacy)
            ?? Evidence.FirstOrDefault(e => e.Format == RaTlsEvidenceFormat.GramineLegacy)
            ?? Evidence.FirstOrDefault(e => e.Format == RaTlsEvidenceFormat.IntelSdk);
        if (chosen is null)
        {
            throw new AttestationException(
                AttestationFailureReason.EvidenceMissing,
                VerificationStep.CertificateBinding,
                "The certificate carries no RA-TLS evidence extension (2.23.133.5.4.9, 1.2.840.113741.1337.6 or Gramine's legacy form).");
        }

        if (!chosen.BindingVerified)
        {
            throw new AttestationException(
                AttestationFailureReason.CertificateBindingMismatch,
                VerificationStep.CertificateBinding,
                $"The {chosen.Format} evidence does not bind the certificate's public key: {chosen.BindingDetail}",
                expected: PublicKeySha256.ToString());
        }

        if (chosen.Nonce is { } nonce)
        {
            // Interoperable RA-TLS: the nonce claim is present only for per-session freshness and must equal the nonce
            // the verifier supplied. Gramine's verifier ignores the claim; accepting it here would accept evidence
            // minted for another verifier's session as if it were plain certificate evidence.
            throw new AttestationException(
                AttestationFailureReason.NonceMismatch,
                VerificationStep.Freshness,
                "The DICE evidence carries a nonce claim, but this verifier sent no nonce for the certificate: the evidence was made for another session.",
                expected: "no nonce claim",
                actual: Convert.ToHexStringLower(nonce.Span));
        }

        if (chosen.Quote is null)
        {
            throw chosen.QuoteError!;
        }

        return chosen;
    }

    /// <summary>The quote of <see cref="GetBoundEvidence"/>, ready for the DCAP verifier and the policy.</summary>
    /// <returns>The quote.</returns>
    /// <exception cref="AttestationException">See <see cref="GetBoundEvidence"/>.</exception>
    /// <exception cref="AttestationFormatException">See <see cref="GetBoundEvidence"/>.</exception>
    public Quote GetBoundQuote() => GetBoundEvidence().Quote!;
}
