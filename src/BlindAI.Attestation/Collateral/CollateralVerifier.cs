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
public sealed class CollateralVerifier
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

        // Trust anchor first (QVL step 1): a root sent along with any chain must be the anchor itself.
        CertificatePath.IsPresentedRoot(collateral.TcbInfoIssuerChain.Parsed[^1], anchor, VerificationStep.TcbInfoSignature, "TCB Info issuer");
        CertificatePath.IsPresentedRoot(collateral.QeIdentityIssuerChain.Parsed[^1], anchor, VerificationStep.QeIdentitySignature, "QE Identity issuer");
        CertificatePath.IsPresentedRoot(collateral.PckCrlIssuerChain.Parsed[^1], anchor, VerificationStep.PckCrl, "PCK CRL issuer");

        // Root CA CRL: issued and signed by the anchor, current.
        VerifyCrl(collateral.RootCaCrl, anchor.Root, now, grace, VerificationStep.RootCaCrl, "root CA CRL");

        // TCB Info: TCB signing chain, signature over the exact bytes, validity window.
        var tcbSigner = CertificatePath.Validate(collateral.TcbInfoIssuerChain.Parsed, anchor, collateral.RootCaCrl, now, VerificationStep.TcbInfoSignature, "TCB Info issuer", verified);
        VerifySignature(tcbSigner, collateral.TcbInfo.RawJson.Span, collateral.TcbInfoSignature.AsSpan(), VerificationStep.TcbInfoSignature, "TCB Info");
        CertificatePath.EnsureWithinWindow(collateral.TcbInfo.IssueDate, collateral.TcbInfo.NextUpdate, now, grace, VerificationStep.CollateralValidity, "TCB Info");

        // QE Identity: same checks (the chain usually repeats the TCB signing certificate, verified once).
        var qeSigner = CertificatePath.Validate(collateral.QeIdentityIssuerChain.Parsed, anchor, collateral.RootCaCrl, now, VerificationStep.QeIdentitySignature, "QE Identity issuer", verified);
        VerifySignature(qeSigner, collateral.QeIdentity.RawJson.Span, collateral.QeIdentitySignature.AsSpan(), VerificationStep.QeIdentitySignature, "QE Identity");
        CertificatePath.EnsureWithinWindow(collateral.QeIdentity.IssueDate, collateral.QeIdentity.NextUpdate, now, grace, VerificationStep.CollateralValidity, "QE Identity");

        // PCK CRL: its issuer chain leads to the anchor, its issuer is an Intel PCK CA, it is signed by that CA and current.
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
                expiry = certificate.NotAfter < expiry ? certificate.NotAfter : expiry;
            }
        }

        return anchor.Root.NotAfter < expiry ? anchor.Root.NotAfter : expiry;
    }
}
