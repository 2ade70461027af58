using System.Collections.Immutable;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// Everything needed, besides the quote, to verify one quote: the CRLs, the TCB Info and the QE Identity with their
/// signatures and issuer chains. Get it from an <see cref="ICollateralProvider"/>, read it from a dcap-qvl bundle
/// (<see cref="FromDcapQvlJson"/>), from raw Intel PCS/PCCS responses (<see cref="FromPcsResponses"/>) or from a BlindAI
/// server's <c>/collateral</c> (<see cref="FromSgxCollateral"/>); verify a quote with it through
/// <see cref="Verification.AttestationVerifier"/>. None of these sources need be trusted: every signature is checked then.
/// </summary>
public sealed partial class QuoteCollateral
{
    // Built only by the readers below (and tests): every member is set, and only verification reads them.
    internal QuoteCollateral()
    {
    }

    /// <summary>The CRL of the PCK CA (platform or processor) that issued the quote's PCK certificate.</summary>
    internal RevocationList PckCrl { get; init; } = null!;

    /// <summary>The issuer chain of <see cref="PckCrl"/>: the PCK CA certificate, then the root.</summary>
    internal CertificateChain PckCrlIssuerChain { get; init; } = null!;

    /// <summary>The Intel SGX Root CA CRL (revokes intermediate CAs and the TCB signing certificate).</summary>
    internal RevocationList RootCaCrl { get; init; } = null!;

    /// <summary>The TCB Info for the platform's FMSPC.</summary>
    internal TcbInfo TcbInfo { get; init; } = null!;

    /// <summary>The ECDSA P-256 signature over <see cref="TcbInfo.RawJson"/>, 64 bytes r||s.</summary>
    internal ImmutableArray<byte> TcbInfoSignature { get; init; }

    /// <summary>The TCB Info issuer chain: the TCB signing certificate, then the root.</summary>
    internal CertificateChain TcbInfoIssuerChain { get; init; } = null!;

    /// <summary>The QE Identity of the quoting enclave (QE for SGX, TD_QE for TDX).</summary>
    internal QeIdentity QeIdentity { get; init; } = null!;

    /// <summary>The ECDSA P-256 signature over <see cref="QeIdentity.RawJson"/>, 64 bytes r||s.</summary>
    internal ImmutableArray<byte> QeIdentitySignature { get; init; }

    /// <summary>The QE Identity issuer chain: the TCB signing certificate, then the root.</summary>
    internal CertificateChain QeIdentityIssuerChain { get; init; } = null!;

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

    /// <summary>Reads a dcap-qvl collateral bundle (the JSON of Phala's <c>dcap-qvl</c> and <c>blindai collateral fetch</c>).</summary>
    /// <param name="utf8Json">The bundle.</param>
    /// <returns>The parsed, not yet verified, collateral.</returns>
    /// <exception cref="AttestationFormatException">The bundle is malformed.</exception>
    public static QuoteCollateral FromDcapQvlJson(ReadOnlySpan<byte> utf8Json) => DcapQvlCollateralJson.Parse(utf8Json);

    /// <summary>Writes this collateral as a dcap-qvl bundle, the form <see cref="FromDcapQvlJson"/> reads.</summary>
    /// <returns>The bundle as UTF-8 JSON.</returns>
    public byte[] ToDcapQvlJson() => DcapQvlCollateralJson.Serialize(this);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;
}
