using System.Security.Cryptography;
using System.Text;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Pck;
using BlindAI.Attestation.Quotes;
using BlindAI.Protocol.Messages;

namespace BlindAI.Server.Attestation;

/// <summary>
/// <c>/collateral</c>: asks the application's one <see cref="ICollateralProvider"/> (Intel PCS, a PCCS or the simulated
/// platform, each behind the one <see cref="CachingCollateralProvider"/>) for the collateral of the quote's platform
/// (FMSPC and PCK CA from its PCK certificate), and puts it in the original wire shape: the TCB Info and QE Identity
/// as PCS returns them (signed JSON byte for byte, then the signature).
/// </summary>
/// <remarks>
/// The server's only QuoteCollateral-to-wire mapping, to be replaced by the Attestation package's shared mapping once
/// that exists (the client and the CLI map the other way).
/// </remarks>
internal static class ServedCollateral
{
    public static async Task<SgxCollateral> GetAsync(ICollateralProvider provider, ReadOnlyMemory<byte> quote, CancellationToken cancellationToken)
    {
        Quote parsed = Quote.Parse(quote.Span);
        PckCertificateChain pck = parsed.SignatureData.PckCertificateChain;
        var request = new CollateralRequest(
            parsed.TeeType == TeeType.Tdx ? TcbInfoId.Tdx : TcbInfoId.Sgx,
            pck.Extensions.Fmspc.Span,
            pck.CaType);
        QuoteCollateral collateral = await provider.GetCollateralAsync(request, cancellationToken).ConfigureAwait(false);
        return new SgxCollateral(
            Version: parsed.TeeType == TeeType.Tdx ? 4u : 3u,
            PckCrlIssuerChain: collateral.PckCrlIssuerChain.ToPem(),
            RootCaCrl: Pem(collateral.RootCaCrl.Der),
            PckCrl: Pem(collateral.PckCrl.Der),
            TcbInfoIssuerChain: collateral.TcbInfoIssuerChain.ToPem(),
            TcbInfo: Signed("tcbInfo", collateral.TcbInfo.RawJson, collateral.TcbInfoSignature.AsSpan()),
            QeIdentityIssuerChain: collateral.QeIdentityIssuerChain.ToPem(),
            QeIdentity: Signed("enclaveIdentity", collateral.QeIdentity.RawJson, collateral.QeIdentitySignature.AsSpan()),
            PckCertificate: pck.Leaf.ExportCertificatePem(),
            PckSigningChain: pck.Intermediate.ExportCertificatePem() + "\n" + pck.Root.ExportCertificatePem());
    }

    private static string Signed(string member, ReadOnlyMemory<byte> rawJson, ReadOnlySpan<byte> signature) =>
        $"{{\"{member}\":{Encoding.UTF8.GetString(rawJson.Span)},\"signature\":\"{Convert.ToHexStringLower(signature)}\"}}";

    private static string Pem(ReadOnlyMemory<byte> der) => new(PemEncoding.Write("X509 CRL", der.Span));
}
