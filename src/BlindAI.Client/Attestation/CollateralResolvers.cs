using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;

namespace BlindAI.Client.Attestation;

/// <summary>Adapts BlindAI.Attestation's collateral providers (Intel PCS, PCCS, static bundles, caches) to the client.</summary>
public static class CollateralResolvers
{
    /// <summary>A resolver asking <paramref name="provider"/> for the collateral of each quote's TEE type, FMSPC and PCK CA.</summary>
    /// <param name="provider">For example <see cref="IntelPcsCollateralProvider"/> or <see cref="PccsCollateralProvider"/>.</param>
    /// <returns>The resolver, for <see cref="BlindAIClientOptions.CollateralResolver"/> or <see cref="RaTlsHandlerOptions.CollateralResolver"/>.</returns>
    public static CollateralResolver FromProvider(ICollateralProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return (quote, cancellationToken) => provider.GetCollateralAsync(RequestFor(quote), cancellationToken);
    }

    /// <summary>What collateral a quote needs: its TEE type, and the FMSPC and issuing CA of its PCK certificate.</summary>
    /// <param name="quote">The quote (with its PCK certificate chain).</param>
    /// <returns>The request.</returns>
    /// <exception cref="BlindAI.Attestation.AttestationFormatException">The quote carries no usable PCK certificate chain.</exception>
    public static CollateralRequest RequestFor(Quote quote)
    {
        ArgumentNullException.ThrowIfNull(quote);
        var chain = quote.SignatureData.PckCertificateChain;
        return new CollateralRequest(
            quote.TeeType == TeeType.Tdx ? TcbInfoId.Tdx : TcbInfoId.Sgx,
            chain.Extensions.Fmspc.Span,
            chain.CaType);
    }
}
