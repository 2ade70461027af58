using System.Security.Cryptography;
using System.Text;
using BlindAI.Attestation.Pck;
using BlindAI.Attestation.Quotes;
using BlindAI.Protocol.Messages;

namespace BlindAI.Attestation.Collateral;

// The one mapping between the BlindAI wire form of collateral (GET /collateral: PEM strings and PCS's signed JSON) and
// QuoteCollateral. It lives here, not in BlindAI.Protocol, because Protocol must stay free of Attestation (BlindAI.Inference
// depends on Protocol only); the client, the CLI and the server all reference Attestation.
public sealed partial class QuoteCollateral
{
    /// <summary>
    /// Reads the collateral a BlindAI server sends on <c>GET /collateral</c> (the original server's wire form: PEM CRLs and
    /// chains, TCB Info and QE Identity as Intel PCS signs them). The collateral need not be trusted: verification checks
    /// its signatures against the trust anchor.
    /// </summary>
    /// <param name="wire">The decoded <c>/collateral</c> body.</param>
    /// <returns>The parsed, not yet verified, collateral.</returns>
    /// <exception cref="AttestationFormatException">A piece is malformed.</exception>
    public static QuoteCollateral FromSgxCollateral(SgxCollateral wire)
    {
        ArgumentNullException.ThrowIfNull(wire);
        return FromPcsResponses(new PcsCollateralResponses
        {
            TcbInfoBody = Encoding.UTF8.GetBytes(wire.TcbInfo),
            TcbInfoIssuerChain = wire.TcbInfoIssuerChain,
            QeIdentityBody = Encoding.UTF8.GetBytes(wire.QeIdentity),
            QeIdentityIssuerChain = wire.QeIdentityIssuerChain,
            PckCrl = Encoding.UTF8.GetBytes(wire.PckCrl),
            PckCrlIssuerChain = wire.PckCrlIssuerChain,
            RootCaCrl = Encoding.UTF8.GetBytes(wire.RootCaCrl),
        });
    }

    /// <summary>
    /// Writes this collateral in the wire form of <c>GET /collateral</c> for a quote, as the original BlindAI server sends
    /// it: the TCB Info and QE Identity byte for byte as Intel signed them, the CRLs as PEM, and the quote's PCK chain.
    /// </summary>
    /// <param name="quote">The quote this collateral verifies (its PCK chain and TEE type go on the wire too).</param>
    /// <returns>The wire message.</returns>
    /// <exception cref="AttestationFormatException">The quote carries no usable PCK certificate chain.</exception>
    public SgxCollateral ToSgxCollateral(Quote quote)
    {
        ArgumentNullException.ThrowIfNull(quote);
        PckCertificateChain pck = quote.SignatureData.PckCertificateChain;
        return new SgxCollateral(
            Version: quote.TeeType == TeeType.Tdx ? 4u : 3u,
            PckCrlIssuerChain: PckCrlIssuerChain.ToPem(),
            RootCaCrl: CrlPem(RootCaCrl.Der),
            PckCrl: CrlPem(PckCrl.Der),
            TcbInfoIssuerChain: TcbInfoIssuerChain.ToPem(),
            TcbInfo: SignedJson("tcbInfo", TcbInfo.RawJson, TcbInfoSignature.AsSpan()),
            QeIdentityIssuerChain: QeIdentityIssuerChain.ToPem(),
            QeIdentity: SignedJson("enclaveIdentity", QeIdentity.RawJson, QeIdentitySignature.AsSpan()),
            PckCertificate: pck.Leaf.ExportCertificatePem(),
            PckSigningChain: pck.Intermediate.ExportCertificatePem() + "\n" + pck.Root.ExportCertificatePem());
    }

    // PCS's response body shape: the signed document verbatim (its signature covers these exact bytes), then the signature.
    private static string SignedJson(string member, ReadOnlyMemory<byte> rawJson, ReadOnlySpan<byte> signature) =>
        $"{{\"{member}\":{Encoding.UTF8.GetString(rawJson.Span)},\"signature\":\"{Convert.ToHexStringLower(signature)}\"}}";

    private static string CrlPem(ReadOnlyMemory<byte> der) => new(PemEncoding.Write("X509 CRL", der.Span));
}
