using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Verification;
using BlindAI.Protocol.Messages;

namespace BlindAI.Client.Attestation;

/// <summary>
/// What the client verified before trusting a server: the DCAP result of the quote bound to the TLS key, the policy it
/// satisfied, and whether a fresh nonce-bound quote proved liveness. Exposed on <see cref="BlindAIClient.Attestation"/>.
/// </summary>
public sealed record AttestationReport
{
    /// <summary>The DCAP verification result of the quote bound to the certificate (TCB status, advisories, FMSPC, collateral expiry).</summary>
    public required QuoteVerificationResult Verification { get; init; }

    /// <summary>The verified quote (its measurements: <see cref="Quote.SgxReport"/> or <see cref="Quote.TdReport"/>).</summary>
    public Quote Quote => Verification.Quote;

    /// <summary>
    /// Where the quote came from: <see langword="false"/> for the RA-TLS certificate's evidence extension (its report
    /// data binds the certificate's public key), <see langword="true"/> for the original BlindAI <c>GET /quote</c> route
    /// (report data = SHA-256 of the certificate DER, then zeros).
    /// </summary>
    public bool FromOriginalQuoteRoute { get; init; }

    /// <summary>The attested certificate, whose public key every later connection must present.</summary>
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>SHA-256 of the certificate's DER SubjectPublicKeyInfo: the pin.</summary>
    public required Measurement PublicKeySha256 { get; init; }

    /// <summary>The root the collateral and PCK chain were verified against (Intel's, unless a simulation root was trusted).</summary>
    public required TrustAnchor TrustAnchor { get; init; }

    /// <summary>
    /// Whether the server proved liveness with a quote over the client's 32-byte nonce. Always <see langword="false"/>
    /// for <see cref="RaTlsHttpMessageHandler"/>: a generic RA-TLS server has no fresh-evidence route.
    /// </summary>
    public bool FreshnessVerified { get; init; }

    /// <summary>
    /// Whether the caller skipped fresh evidence (<see cref="FreshEvidenceMode.InsecureSkipForOriginalServers"/>): the
    /// server was trusted on evidence made at its start, not for this session, which whoever holds it could replay.
    /// </summary>
    public bool FreshEvidenceSkipped { get; init; }

    /// <summary>The DCAP result of the fresh quote, when <see cref="FreshnessVerified"/>.</summary>
    public QuoteVerificationResult? FreshVerification { get; init; }

    /// <summary>Whether the server is a simulation (trusted only because the caller named its root).</summary>
    public bool IsSimulation => !TrustAnchor.IsIntelSgxRootCa;

    /// <summary>The server's version and capabilities, when it publishes them.</summary>
    public ServerCapabilities? Capabilities { get; init; }

    /// <summary>
    /// How many times this server was attested again after the first attestation, because it presented a new
    /// certificate (renewal, restart): 0 for the first. Each re-attestation repeats every check and requires the same
    /// enclave identity.
    /// </summary>
    public int Reattestations { get; init; }
}
