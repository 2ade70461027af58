using BlindAI.Attestation.Pck;
using BlindAI.Attestation.Quotes;

namespace BlindAI.Attestation.Collateral;

/// <summary>
/// What collateral a quote needs: the TEE (which TCB Info and QE Identity), the platform's FMSPC (from the PCK
/// certificate) and the PCK CA that issued the PCK certificate (which PCK CRL). Build it with <see cref="For"/>.
/// </summary>
public sealed record CollateralRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="teeType">SGX or TDX.</param>
    /// <param name="fmspc">The 6-byte FMSPC.</param>
    /// <param name="caType">The PCK CA type.</param>
    /// <exception cref="ArgumentException"><paramref name="fmspc"/> is not 6 bytes, or <paramref name="teeType"/> is not SGX or TDX.</exception>
    public CollateralRequest(TeeType teeType, ReadOnlySpan<byte> fmspc, PckCaType caType)
    {
        if (fmspc.Length != 6)
        {
            throw new ArgumentException($"An FMSPC is 6 bytes, not {fmspc.Length}.", nameof(fmspc));
        }

        if (!Enum.IsDefined(teeType))
        {
            throw new ArgumentException($"TEE type 0x{(uint)teeType:x8} is neither SGX nor TDX.", nameof(teeType));
        }

        TeeType = teeType;
        FmspcHex = Convert.ToHexStringLower(fmspc);
        CaType = caType;
    }

    /// <summary>SGX or TDX.</summary>
    public TeeType TeeType { get; }

    /// <summary>The FMSPC as 12 lower-case hex digits (the form PCS expects in <c>?fmspc=</c>).</summary>
    public string FmspcHex { get; }

    /// <summary>The PCK CA type (which PCK CRL).</summary>
    public PckCaType CaType { get; }

    /// <summary>Which TCB Info answers this request.</summary>
    internal TcbInfoId TcbInfoId => TcbInfoIds.For(TeeType);

    /// <summary>What collateral a quote needs: its TEE type, and the FMSPC and issuing CA of its PCK certificate.</summary>
    /// <param name="quote">The quote (with its PCK certificate chain).</param>
    /// <returns>The request, for <see cref="ICollateralProvider.GetCollateralAsync"/>.</returns>
    /// <exception cref="AttestationFormatException">The quote carries no usable PCK certificate chain.</exception>
    public static CollateralRequest For(Quote quote)
    {
        ArgumentNullException.ThrowIfNull(quote);
        PckCertificateChain chain = quote.SignatureData.PckCertificateChain;
        return new CollateralRequest(quote.TeeType, chain.Extensions.Fmspc.Span, chain.CaType);
    }

    /// <summary>Whether collateral answers this request: same TEE, same FMSPC, PCK CRL from the same CA.</summary>
    /// <param name="collateral">The collateral.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    public bool IsAnsweredBy(QuoteCollateral collateral)
    {
        ArgumentNullException.ThrowIfNull(collateral);
        return collateral.TcbInfo.Id == TcbInfoId
            && collateral.TcbInfo.FmspcHex == FmspcHex
            && PckCertificateAuthority.TryGetCaType(collateral.PckCrl.Issuer, out var caType)
            && caType == CaType;
    }

    /// <inheritdoc />
    public override string ToString() => $"{TeeType} fmspc={FmspcHex} ca={CaType}";
}
