using System.Collections.Immutable;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// Everything needed, besides the quote, to verify one quote: the CRLs, the TCB Info and the QE Identity with their
/// signatures and issuer chains. Read it from a dcap-qvl bundle (<see cref="DcapQvlCollateralJson"/>) or from raw
/// Intel PCS/PCCS responses (<see cref="FromPcsResponses"/>); check it with <see cref="CollateralVerifier"/>.
/// </summary>
public sealed class QuoteCollateral
{
    /// <summary>The CRL of the PCK CA (platform or processor) that issued the quote's PCK certificate.</summary>
    public required RevocationList PckCrl { get; init; }

    /// <summary>The issuer chain of <see cref="PckCrl"/>: the PCK CA certificate, then the root.</summary>
    public required CertificateChain PckCrlIssuerChain { get; init; }

    /// <summary>The Intel SGX Root CA CRL (revokes intermediate CAs and the TCB signing certificate).</summary>
    public required RevocationList RootCaCrl { get; init; }

    /// <summary>The TCB Info for the platform's FMSPC.</summary>
    public required TcbInfo TcbInfo { get; init; }

    /// <summary>The ECDSA P-256 signature over <see cref="TcbInfo.RawJson"/>, 64 bytes r||s.</summary>
    public required ImmutableArray<byte> TcbInfoSignature { get; init; }

    /// <summary>The TCB Info issuer chain: the TCB signing certificate, then the root.</summary>
    public required CertificateChain TcbInfoIssuerChain { get; init; }

    /// <summary>The QE Identity of the quoting enclave (QE for SGX, TD_QE for TDX).</summary>
    public required QeIdentity QeIdentity { get; init; }

    /// <summary>The ECDSA P-256 signature over <see cref="QeIdentity.RawJson"/>, 64 bytes r||s.</summary>
    public required ImmutableArray<byte> QeIdentitySignature { get; init; }

    /// <summary>The QE Identity issuer chain: the TCB signing certificate, then the root.</summary>
    public required CertificateChain QeIdentityIssuerChain { get; init; }

    /// <summary>
    /// The earliest <c>nextUpdate</c> of the TCB Info, the QE Identity and both CRLs: after it, this collateral is
    /// stale (certificate expiry is added by verification, see <c>VerifiedCollateral.ExpiresAt</c>).
    /// </summary>
    public DateTimeOffset NextUpdate =>
        Min(Min(TcbInfo.NextUpdate, QeIdentity.NextUpdate), Min(PckCrl.NextUpdate, RootCaCrl.NextUpdate));

    /// <summary>
    /// Reads collateral from the raw bodies and headers of Intel PCS / PCCS responses: TCB Info and QE Identity bodies
    /// (<c>{"tcbInfo":{…},"signature":"…"}</c>), CRLs as DER, PEM or hex, issuer chains as PEM or percent-encoded PEM.
    /// </summary>
    /// <param name="responses">The response bodies and issuer chain headers.</param>
    /// <returns>The collateral.</returns>
    /// <exception cref="AttestationFormatException">A piece is malformed.</exception>
    public static QuoteCollateral FromPcsResponses(PcsCollateralResponses responses)
    {
        ArgumentNullException.ThrowIfNull(responses);
        var tcbInfo = SignedJsonBody.Read(responses.TcbInfoBody.Span, "tcbInfo", "TCB Info response");
        var qeIdentity = SignedJsonBody.Read(responses.QeIdentityBody.Span, "enclaveIdentity", "QE Identity response");
        var tcbInfoIssuerChain = CertificateChain.Parse(responses.TcbInfoIssuerChain);
        return new QuoteCollateral
        {
            PckCrl = RevocationList.Parse(responses.PckCrl.Span),
            PckCrlIssuerChain = CertificateChain.Parse(responses.PckCrlIssuerChain),
            RootCaCrl = RevocationList.Parse(responses.RootCaCrl.Span),
            TcbInfo = TcbInfo.Parse(tcbInfo.Document),
            TcbInfoSignature = [.. CollateralSignature.FromHex(tcbInfo.Signature, "The TCB Info signature")],
            TcbInfoIssuerChain = tcbInfoIssuerChain,
            QeIdentity = QeIdentity.Parse(qeIdentity.Document),
            QeIdentitySignature = [.. CollateralSignature.FromHex(qeIdentity.Signature, "The QE Identity signature")],
            QeIdentityIssuerChain = responses.QeIdentityIssuerChain == responses.TcbInfoIssuerChain ? tcbInfoIssuerChain : CertificateChain.Parse(responses.QeIdentityIssuerChain),
        };
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;
}
