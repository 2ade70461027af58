using BlindAI.Attestation;

namespace BlindAI.Client.Attestation;

/// <summary>
/// The rule for accepting a server's new certificate after a TLS handshake refused it: the server was attested again
/// from scratch (evidence, collateral, DCAP, the same policy, and for <see cref="BlindAIClient"/> a fresh nonce), its
/// key is new, and its enclave identity is the one first attested. Only then may the pin move to the new key.
/// </summary>
internal static class Reattestation
{
    /// <summary>Throws unless <paramref name="renewed"/> may replace the pinned key <paramref name="pinned"/>.</summary>
    /// <exception cref="AttestationException">
    /// <see cref="AttestationFailureReason.CertificateBindingMismatch"/>: the evidence still names the pinned key, so
    /// whoever refused the handshake is not the attested server; <see cref="AttestationFailureReason.IdentityChanged"/>:
    /// the server is now another enclave.
    /// </exception>
    public static void Check(AttestedIdentity first, ReadOnlySpan<byte> pinned, AttestationReport renewed, string server, Exception handshakeFailure)
    {
        if (renewed.PublicKeySha256.Span.SequenceEqual(pinned))
        {
            throw new AttestationException(
                AttestationFailureReason.CertificateBindingMismatch,
                VerificationStep.CertificateBinding,
                $"The TLS handshake with {server} failed although the server's evidence still names the attested key: the peer is not the attested server (or TLS failed). Nothing was sent.",
                expected: Convert.ToHexStringLower(pinned),
                innerException: handshakeFailure);
        }

        AttestedIdentity now = AttestedIdentity.Of(renewed.Quote);
        if (!now.Equals(first))
        {
            throw new AttestationException(
                AttestationFailureReason.IdentityChanged,
                VerificationStep.Policy,
                $"{server} presented a new certificate, and its evidence is from another enclave than the one this connection attested. Nothing was sent; connect again to trust the new enclave.",
                expected: first.ToString(),
                actual: now.ToString(),
                innerException: handshakeFailure);
        }
    }
}
