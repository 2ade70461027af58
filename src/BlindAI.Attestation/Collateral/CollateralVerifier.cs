using BlindAI.Attestation.Pck;
using System.Security.Cryptography;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// Checks that collateral is authentic and current at a given instant: the root CA CRL, the PCK CRL and its issuer
/// chain, the TCB Info and QE Identity signatures over their exact bytes with the TCB signing chain, and every
/// validity window. Everything chains to the <see cref="TrustAnchor"/>; nothing here reads the clock.
/// </summary>
/// <remarks>
/// The result, <see cref="VerifiedCollateral"/>, is meant to be cached per FMSPC and CA until
/// <see cref="VerifiedCollateral.ExpiresAt"/>, so that later quotes from the same platform type skip these checks.
/// Matching the collateral against a quote (FMSPC, TCB levels, QE report) is the quote verifier's job.
/// </remarks>
internal sealed class CollateralVerifier
{
    /// <summary>Creates a verifier.</summary>
    /// <param name="trustAnchor">The root all chains must lead to; normally <see cref="TrustAnchor.IntelSgxRootCa"/>.</param>
    /// <param name="options">Verification options; <see langword="null"/> for <see cref="CollateralVerificationOptions.Strict"/>.</param>
    public CollateralVerifier(TrustAnchor trustAnchor, CollateralVerificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trustAnchor);
        TrustAnchor = trustAnchor;
        Options = options ?? CollateralVerificationOptions.Strict;
    }

    /// <summary>The root all chains must lead to.</summary>
    public TrustAnchor TrustAnchor { get; }

    /// <summary>The verification options.</summary>
    public CollateralVerificationOptions Options { get; }

    /// <summary>Verifies collateral at an instant, in Intel QVL's order.</summary>
    /// <param name="collateral">The collateral.</param>
    /// <param name="now">The instant every validity window is checked at.</param>
    /// <returns>The verified collateral.</returns>
    /// <exception cref="AttestationException">A check fails: the reason, step and expected/actual values say which.</exception>
    public VerifiedCollateral Verify(QuoteCollateral collateral, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(collateral);
        var grace = Options.AcceptExpiredCollateralFor;
        var verified = new VerifiedCertificates();
        var anchor = TrustAnchor;

        // Trust anchor first (QVL step 1): a root sent along with any chain must stand for the anchor (its subject and key).
        CertificatePath.IsPresentedRoot(collateral.TcbInfoIssuerChain.Parsed[^1], anchor, VerificationStep.TcbInfoSignature, "TCB Info issuer", verified);
        CertificatePath.IsPresentedRoot(collateral.QeIdentityIssuerChain.Parsed[^1], anchor, VerificationStep.QeIdentitySignature, "QE Identity issuer", verified);
        CertificatePath.IsPresentedRoot(collateral.PckCrlIssuerChain.Parsed[^1], anchor, VerificationStep.PckCrl, "PCK CRL issuer", verified);

        // Root CA CRL: issued and signed by the anchor, current.
        VerifyCrl(collateral.RootCaCrl, anchor.Root, now, grace, VerificationStep.RootCaCrl, "root CA CRL");

        // TCB Info: the anchor's TCB signing certificate (and nothing else), signature over the exact bytes, validity window.
        var tcbSigner = ValidateTcbSigningChain(collateral.TcbInfoIssuerChain, anchor, collateral.RootCaCrl, now, VerificationStep.TcbInfoSignature, "TCB Info issuer", verified);
        VerifySignature(tcbSigner, collateral.TcbInfo.RawJson.Span, collateral.TcbInfoSignature.AsSpan(), VerificationStep.TcbInfoSignature, "TCB Info");
        CertificatePath.EnsureWithinWindow(collateral.TcbInfo.IssueDate, collateral.TcbInfo.NextUpdate, now, grace, VerificationStep.CollateralValidity, "TCB Info");

        // QE Identity: same checks (the chain usually repeats the TCB signing certificate, verified once).
        var qeSigner = ValidateTcbSigningChain(collateral.QeIdentityIssuerChain, anchor, collateral.RootCaCrl, now, VerificationStep.QeIdentitySignature, "QE Identity issuer", verified);
        VerifySignature(qeSigner, collateral.QeIdentity.RawJson.Span, collateral.QeIdentitySignature.AsSpan(), VerificationStep.QeIdentitySignature, "QE Identity");
        CertificatePath.EnsureWithinWindow(collateral.QeIdentity.IssueDate, collateral.QeIdentity.NextUpdate, now, grace, VerificationStep.CollateralValidity, "QE Identity");

        // PCK CRL: its issuer is a PCK CA issued directly by the anchor, an Intel PCK CA by name, signed by that CA and current.
        CertificatePath.EnsureSignerThenOptionalRoot(collateral.PckCrlIssuerChain.Parsed, anchor, VerificationStep.PckCrl, "PCK CRL issuer", "PCK CA", verified);
        var pckCa = CertificatePath.Validate(collateral.PckCrlIssuerChain.Parsed, anchor, collateral.RootCaCrl, now, VerificationStep.PckCrl, "PCK CRL issuer", verified);
        if (!PckCertificateAuthority.TryGetCaType(new System.Security.Cryptography.X509Certificates.X500DistinguishedName(pckCa.SubjectName), out var caType))
        {
            throw new AttestationException(
                AttestationFailureReason.CollateralMismatch,
                VerificationStep.PckCrl,
                $"The PCK CRL issuer '{pckCa.Subject}' is not an Intel PCK Platform or Processor CA.",
                expected: $"{PckCertificateAuthority.PlatformCaCommonName} | {PckCertificateAuthority.ProcessorCaCommonName}",
                actual: pckCa.Subject);
        }

        VerifyCrl(collateral.PckCrl, pckCa, now, grace, VerificationStep.PckCrl, "PCK CRL");

        return new VerifiedCollateral(collateral, anchor, pckCa, caType, verified, now, ExpiresAt(collateral, anchor));
    }

    /// <summary>
    /// Validates a TCB Info or QE Identity issuer chain and returns its signer, which must be the one certificate Intel's
    /// PKI lets sign them: the TCB signing certificate, issued directly by the anchor, carrying the anchor's TCB signing
    /// subject, not a CA, with the digitalSignature key usage, within its validity and not revoked by the root CA CRL.
    /// Any certificate that merely chains to the root (a PCK certificate, whose private key a platform owner may extract,
    /// or a PCK CA) could otherwise vouch for an up-to-date TCB of its own out-of-date platform.
    /// </summary>
    private static ParsedCertificate ValidateTcbSigningChain(CertificateChain chain, TrustAnchor anchor, RevocationList rootCrl, DateTimeOffset now, VerificationStep step, string what, VerifiedCertificates verified)
    {
        var parsed = chain.Parsed;
        CertificatePath.EnsureSignerThenOptionalRoot(parsed, anchor, step, what, "TCB signing certificate", verified);
        EnsureTcbSigningCertificate(parsed[0], anchor, step, what);
        return CertificatePath.Validate(parsed, anchor, rootCrl, now, step, what, verified);
    }

    /// <summary>
    /// The role checks of the TCB signing certificate, as Intel QVL's TCBInfoVerifier makes them: its whole subject (QVL's
    /// <c>TCB_SUBJECT</c>, held by the anchor) and the presence of keyUsage and basicConstraints (QVL's
    /// <c>TCB_REQUIRED_EXTENSIONS</c>), with their content checked here too: not a CA, may sign.
    /// </summary>
    private static void EnsureTcbSigningCertificate(ParsedCertificate signer, TrustAnchor anchor, VerificationStep step, string what)
    {
        if (!anchor.IsTcbSigningSubject(signer.SubjectName))
        {
            throw new AttestationException(
                AttestationFailureReason.UnauthorizedCollateralSigner,
                step,
                $"The {what} chain's signer '{signer.Subject}' is not the TCB signing certificate of the trust anchor.",
                expected: anchor.TcbSigningSubject,
                actual: signer.Subject);
        }

        if (!signer.HasBasicConstraints || signer.IsCertificateAuthority)
        {
            throw new AttestationException(
                AttestationFailureReason.UnauthorizedCollateralSigner,
                step,
                $"The {what} chain's signer '{signer.Subject}' {(signer.HasBasicConstraints ? "is a CA" : "has no basicConstraints")}: the TCB signing certificate is an end entity.",
                expected: "basicConstraints cA=false",
                actual: signer.HasBasicConstraints ? "basicConstraints cA=true" : "no basicConstraints");
        }

        if (signer.KeyUsage is not { } usage || (usage & System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.DigitalSignature) == 0)
        {
            throw new AttestationException(
                AttestationFailureReason.UnauthorizedCollateralSigner,
                step,
                $"The {what} chain's signer '{signer.Subject}' may not sign documents: its key usage lacks digitalSignature.",
                expected: "keyUsage digitalSignature",
                actual: signer.KeyUsage is { } present ? $"keyUsage {present}" : "no keyUsage");
        }
    }

    internal static void VerifyCrl(RevocationList crl, ParsedCertificate issuer, DateTimeOffset now, TimeSpan grace, VerificationStep step, string what)
    {
        if (!crl.Issuer.RawData.AsSpan().SequenceEqual(issuer.SubjectName))
        {
            throw new AttestationException(
                AttestationFailureReason.InvalidCrl,
                step,
                $"The {what} is issued by '{ParsedCertificate.NameText(crl.Issuer.RawData)}', not by '{issuer.Subject}'.",
                expected: issuer.Subject,
                actual: ParsedCertificate.NameText(crl.Issuer.RawData));
        }

        if ((issuer.KeyUsage is { } usage && (usage & System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.CrlSign) == 0)
            || crl.SignatureAlgorithm != "1.2.840.10045.4.3.2"
            || !issuer.VerifyData(crl.Tbs.Span, crl.Signature, DSASignatureFormat.Rfc3279DerSequence))
        {
            throw new AttestationException(AttestationFailureReason.InvalidCrl, step, $"The {what} signature does not verify with the key of '{issuer.Subject}'.");
        }

        CertificatePath.EnsureWithinWindow(crl.ThisUpdate, crl.NextUpdate, now, grace, step, what);
    }

    private static void VerifySignature(ParsedCertificate signer, ReadOnlySpan<byte> document, ReadOnlySpan<byte> signature, VerificationStep step, string what)
    {
        if (signature.Length != CollateralSignature.Length)
        {
            throw new AttestationException(AttestationFailureReason.InvalidCollateralSignature, step, $"The {what} signature must be {CollateralSignature.Length} bytes r||s.", expected: "64", actual: signature.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (!signer.VerifyData(document, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            throw new AttestationException(AttestationFailureReason.InvalidCollateralSignature, step, $"The {what} signature does not verify with the key of '{signer.Subject}' over the document's exact bytes.");
        }
    }

    private static DateTimeOffset ExpiresAt(QuoteCollateral collateral, TrustAnchor anchor)
    {
        var expiry = collateral.NextUpdate;
        foreach (var chain in new[] { collateral.TcbInfoIssuerChain, collateral.QeIdentityIssuerChain, collateral.PckCrlIssuerChain })
        {
            foreach (var certificate in chain.Parsed)
            {
                // A presented root stands for the anchor, whose own validity applies (it is counted below).
                if (!anchor.HasAnchorSubjectAndKey(certificate))
                {
                    expiry = certificate.NotAfter < expiry ? certificate.NotAfter : expiry;
                }
            }
        }

        return anchor.Root.NotAfter < expiry ? anchor.Root.NotAfter : expiry;
    }
}
