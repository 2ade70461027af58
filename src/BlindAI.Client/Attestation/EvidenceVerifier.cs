using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.RaTls;
using BlindAI.Attestation.Verification;

namespace BlindAI.Client.Attestation;

/// <summary>
/// The client's verification rules, shared by <see cref="BlindAIClient"/> and <see cref="RaTlsHttpMessageHandler"/>:
/// the RA-TLS certificate's validity window, DCAP (against Intel's root, or a simulation root the caller named), then the
/// policy, then the binding of the quote to the certificate key and, for fresh evidence, to the client's nonce. Every
/// check that depends on time reads one clock. Parsing and DCAP stay in BlindAI.Attestation.
/// </summary>
internal sealed class EvidenceVerifier
{
    private const int HashLength = 32;

    private readonly AttestationVerifier _verifier;
    private readonly TimeProvider _timeProvider;

    public EvidenceVerifier(AttestationPolicy policy, SimulationRoot? simulationRoot, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _verifier = new AttestationVerifier(policy, simulationRoot?.ToTrustAnchor(), timeProvider);
    }

    public TrustAnchor TrustAnchor => _verifier.TrustAnchor;

    /// <summary>DCAP verification, then the policy; every violation is reported at once.</summary>
    public QuoteVerificationResult Verify(Quote quote, QuoteCollateral collateral) => _verifier.Verify(quote, collateral);

    /// <summary>
    /// Refuses a certificate outside its notBefore..notAfter window at the clock that also judges the collateral. The
    /// server's key is trusted only as long as the certificate that carries its evidence says; Gramine's verifier skips
    /// this check (its certificates default to 2001..2030), Intel's QVL does not see the certificate at all.
    /// </summary>
    public void CheckCertificateValidity(X509Certificate2 certificate)
    {
        (DateTimeOffset notBefore, DateTimeOffset notAfter) = CertificateValidity.Read(certificate.RawData);
        DateTimeOffset now = _timeProvider.GetUtcNow();
        string window = $"{notBefore:O} .. {notAfter:O}";
        if (now < notBefore)
        {
            throw new AttestationException(
                AttestationFailureReason.NotYetValid,
                VerificationStep.CertificateBinding,
                $"The server's RA-TLS certificate is not valid before {notBefore:O}; the client's clock reads {now:O}.",
                expected: window,
                actual: now.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        }

        if (now > notAfter)
        {
            throw new AttestationException(
                AttestationFailureReason.Expired,
                VerificationStep.CertificateBinding,
                $"The server's RA-TLS certificate expired at {notAfter:O}; the client's clock reads {now:O}.",
                expected: window,
                actual: now.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The quote of a certificate's RA-TLS evidence, which must bind the certificate's public key.</summary>
    public static Quote ReadBoundQuote(X509Certificate2 certificate) => RaTlsCertificateReader.ReadBoundQuote(certificate);

    /// <summary>Whether the certificate carries any RA-TLS evidence extension.</summary>
    public static bool HasRaTlsEvidence(X509Certificate2 certificate) => !RaTlsCertificateReader.Read(certificate).Evidence.IsEmpty;

    /// <summary>The original BlindAI binding of <c>GET /quote</c>: report data = SHA-256(certificate DER) || 32 zero bytes.</summary>
    public static void CheckLegacyBinding(Quote quote, ReadOnlySpan<byte> certificateDer)
    {
        Span<byte> expected = stackalloc byte[2 * HashLength];
        expected.Clear();
        SHA256.HashData(certificateDer, expected[..HashLength]);
        if (!CryptographicOperations.FixedTimeEquals(quote.ReportData.Span, expected))
        {
            throw new AttestationException(
                AttestationFailureReason.CertificateBindingMismatch,
                VerificationStep.CertificateBinding,
                "The quote's report data is not SHA-256 of the server's certificate followed by zeros: the quote belongs to another certificate.",
                expected: Convert.ToHexStringLower(expected),
                actual: quote.ReportData.ToString());
        }
    }

    /// <summary>
    /// The binding of a fresh quote: the report-data contract of <see cref="QuoteReportData"/> (the attested certificate's
    /// key and this session's nonce), and the same enclave identity as the certificate's quote.
    /// </summary>
    public static void CheckFreshBinding(Quote fresh, Quote attested, X509Certificate2 certificate, ReadOnlySpan<byte> nonce)
    {
        QuoteReportData.EnsureFreshEvidence(fresh, certificate.PublicKey.ExportSubjectPublicKeyInfo(), nonce);
        if (!SameIdentity(fresh, attested))
        {
            throw new AttestationException(
                AttestationFailureReason.PolicyViolation,
                VerificationStep.Freshness,
                "The fresh quote comes from another enclave identity than the certificate's quote.");
        }
    }

    /// <summary>SHA-256 of the certificate's DER SubjectPublicKeyInfo.</summary>
    public static byte[] PublicKeySha256(X509Certificate2 certificate) =>
        SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo());

    private static bool SameIdentity(Quote a, Quote b) => (a.SgxReport, b.SgxReport, a.TdReport, b.TdReport) switch
    {
        ({ } x, { } y, _, _) => x.MrEnclave == y.MrEnclave && x.MrSigner == y.MrSigner && x.IsvProdId == y.IsvProdId && x.IsvSvn == y.IsvSvn,
        (null, null, { } x, { } y) => x.MrTd == y.MrTd,
        _ => false,
    };
}
