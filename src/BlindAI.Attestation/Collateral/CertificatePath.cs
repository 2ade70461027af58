using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// Validates issuer chains against the pinned <see cref="TrustAnchor"/> by hand: names, ECDSA-SHA256 signatures, CA
/// constraints, validity at one instant and revocation of root-issued certificates. X509Chain is not used: it
/// consults platform trust stores and revocation settings that differ by OS, and it is slower than the handful of
/// checks DCAP needs.
/// </summary>
internal static class CertificatePath
{
    /// <summary>
    /// Validates <paramref name="chain"/> (signing certificate first, optionally ending with a root) up to the anchor and
    /// returns the signing certificate. <paramref name="verified"/> remembers certificates whose signature was already
    /// checked, so pieces of collateral that share a certificate pay for it once.
    /// </summary>
    public static ParsedCertificate Validate(
        IReadOnlyList<ParsedCertificate> chain,
        TrustAnchor anchor,
        RevocationList rootCrl,
        DateTimeOffset now,
        VerificationStep step,
        string what,
        VerifiedCertificates verified)
    {
        var count = chain.Count;
        if (count == 0)
        {
            throw new AttestationException(AttestationFailureReason.EvidenceMissing, step, $"The {what} chain is empty.");
        }

        if (IsPresentedRoot(chain[count - 1], anchor, step, what, verified))
        {
            count--;
            if (count == 0)
            {
                throw new AttestationException(AttestationFailureReason.InvalidCertificateChain, step, $"The {what} chain holds only the root.");
            }
        }

        EnsureWithinValidity(anchor.Root, now, step, "trust anchor");
        var issuer = anchor.Root;
        for (var i = count - 1; i >= 0; i--)
        {
            var certificate = chain[i];
            var belowIssuer = i; // certificates below this issuer that are themselves CAs (all but the signing certificate)
            if (!certificate.IssuerName.SequenceEqual(issuer.SubjectName))
            {
                throw new AttestationException(
                    issuer == anchor.Root ? AttestationFailureReason.UntrustedRoot : AttestationFailureReason.InvalidCertificateChain,
                    step,
                    $"The {what} chain is broken: '{certificate.Subject}' is issued by '{certificate.Issuer}', not by '{issuer.Subject}'.",
                    expected: issuer.Subject,
                    actual: certificate.Issuer);
            }

            EnsureCanIssue(issuer, belowIssuer, step, what);
            if (!verified.Contains(certificate, issuer) && !certificate.IsSignedBy(issuer))
            {
                throw new AttestationException(
                    AttestationFailureReason.InvalidCertificateChain,
                    step,
                    $"The signature of '{certificate.Subject}' in the {what} chain does not verify with the key of '{issuer.Subject}'.");
            }

            verified.Add(certificate, issuer);
            EnsureWithinValidity(certificate, now, step, what);
            if (issuer == anchor.Root && rootCrl.IsRevoked(certificate))
            {
                throw new AttestationException(
                    AttestationFailureReason.CertificateRevoked,
                    step,
                    $"'{certificate.Subject}' (serial {certificate.SerialHex}) in the {what} chain is revoked by the root CA CRL.",
                    actual: certificate.SerialHex);
            }

            issuer = certificate;
        }

        return chain[0];
    }

    /// <summary>
    /// Whether the top of a chain is a root sent along with it. A self-issued certificate counts only if it stands for the
    /// anchor: the anchor's subject and key (RFC 5280 6.1.1(d)), its self-signature valid. Its own validity does not
    /// matter (the anchor's applies); any other self-issued certificate is an untrusted root (QVL step 1: never trust
    /// the root that arrives with evidence).
    /// </summary>
    public static bool IsPresentedRoot(ParsedCertificate top, TrustAnchor anchor, VerificationStep step, string what, VerifiedCertificates verified)
    {
        if (!top.SubjectName.SequenceEqual(top.IssuerName))
        {
            return false;
        }

        if (top.Der.AsSpan().SequenceEqual(anchor.Root.Der))
        {
            return true; // the anchor itself, checked when it was loaded
        }

        if (!anchor.HasAnchorSubjectAndKey(top))
        {
            var sameSubject = top.SubjectName.SequenceEqual(anchor.Root.SubjectName);
            var sameKey = top.SubjectPublicKeyInfo.Span.SequenceEqual(anchor.Root.SubjectPublicKeyInfo.Span);
            throw new AttestationException(
                AttestationFailureReason.UntrustedRoot,
                step,
                $"The {what} chain ends at a root that is not the trust anchor ({anchor}): the anchor is its subject and key, and this root differs in {(sameSubject ? "key" : sameKey ? "subject" : "subject and key")}.",
                expected: anchor.Identity,
                actual: TrustAnchor.Describe(top));
        }

        // Another issue of the anchor's certificate (same subject and key, other validity or extensions). Only the
        // anchor's key can have made its signature; a copy edited after signing is refused rather than trusted.
        if (verified.Contains(top, anchor.Root) || top.IsSignedBy(anchor.Root))
        {
            verified.Add(top, anchor.Root);
            return true;
        }

        throw new AttestationException(
            AttestationFailureReason.UntrustedRoot,
            step,
            $"The {what} chain ends at a root with the trust anchor's subject and key whose self-signature does not verify.",
            expected: anchor.Identity,
            actual: TrustAnchor.Describe(top));
    }

    /// <summary>
    /// Checks the shape every collateral issuer chain must have: exactly the signing certificate, or the signing
    /// certificate followed by a root that stands for the anchor, so that the signer is issued directly by the anchor.
    /// Chains through an intermediate CA (a PCK certificate under its PCK CA) and chains of the root alone are refused.
    /// </summary>
    public static void EnsureSignerThenOptionalRoot(IReadOnlyList<ParsedCertificate> chain, TrustAnchor anchor, VerificationStep step, string what, string signer, VerifiedCertificates verified)
    {
        var count = chain.Count;
        if (count == 0)
        {
            throw new AttestationException(AttestationFailureReason.EvidenceMissing, step, $"The {what} chain is empty.");
        }

        if (count > 2)
        {
            throw new AttestationException(
                AttestationFailureReason.UnauthorizedCollateralSigner,
                step,
                $"The {what} chain holds {count} certificates: it must be the {signer} alone or followed by the root, the {signer} being issued directly by the trust anchor.",
                expected: "[signer] or [signer, root]",
                actual: string.Join(" <- ", chain.Select(c => c.Subject)));
        }

        if (count == 2 && !IsPresentedRoot(chain[1], anchor, step, what, verified))
        {
            throw new AttestationException(
                AttestationFailureReason.UnauthorizedCollateralSigner,
                step,
                $"The {what} chain continues with '{chain[1].Subject}', which is not the root: the {signer} must be issued directly by the trust anchor.",
                expected: anchor.Identity,
                actual: chain[1].Subject);
        }

        if (IsPresentedRoot(chain[0], anchor, step, what, verified))
        {
            throw new AttestationException(
                AttestationFailureReason.UnauthorizedCollateralSigner,
                step,
                $"The {what} chain starts with the root: the root does not sign collateral, the {signer} does.",
                expected: signer,
                actual: chain[0].Subject);
        }
    }

    /// <summary>Checks notBefore ≤ now ≤ notAfter; <paramref name="chain"/> names the chain in the message.</summary>
    public static void EnsureWithinValidity(ParsedCertificate certificate, DateTimeOffset now, VerificationStep step, string chain)
    {
        if (now < certificate.NotBefore)
        {
            throw new AttestationException(AttestationFailureReason.NotYetValid, step, $"The certificate '{certificate.Subject}' in the {chain} chain is not valid before {Format(certificate.NotBefore)}.", expected: $">= {Format(certificate.NotBefore)}", actual: Format(now));
        }

        if (now > certificate.NotAfter)
        {
            throw new AttestationException(AttestationFailureReason.Expired, step, $"The certificate '{certificate.Subject}' in the {chain} chain expired at {Format(certificate.NotAfter)}.", expected: $"<= {Format(certificate.NotAfter)}", actual: Format(now));
        }
    }

    public static void EnsureWithinWindow(DateTimeOffset from, DateTimeOffset until, DateTimeOffset now, TimeSpan grace, VerificationStep step, string what)
    {
        if (now < from)
        {
            throw new AttestationException(AttestationFailureReason.NotYetValid, step, $"The {what} is not valid before {Format(from)}.", expected: $">= {Format(from)}", actual: Format(now));
        }

        if (now > until + grace)
        {
            throw new AttestationException(AttestationFailureReason.Expired, step, $"The {what} expired at {Format(until)}.", expected: $"<= {Format(until + grace)}", actual: Format(now));
        }
    }

    public static string Format(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void EnsureCanIssue(ParsedCertificate issuer, int caCertificatesBelow, VerificationStep step, string what)
    {
        if (!issuer.IsCertificateAuthority || (issuer.KeyUsage is { } usage && (usage & X509KeyUsageFlags.KeyCertSign) == 0))
        {
            throw new AttestationException(AttestationFailureReason.InvalidCertificateChain, step, $"'{issuer.Subject}' in the {what} chain is not a CA certificate but issues one.");
        }

        if (issuer.PathLength is { } limit && caCertificatesBelow > limit)
        {
            throw new AttestationException(AttestationFailureReason.InvalidCertificateChain, step, $"'{issuer.Subject}' allows {limit} CA certificates below it; the {what} chain has {caCertificatesBelow}.");
        }
    }
}
