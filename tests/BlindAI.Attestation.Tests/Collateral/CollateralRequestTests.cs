using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Pck;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Tests.Quotes;

namespace BlindAI.Attestation.Tests.Collateral;

/// <summary>What a quote asks of a collateral provider (its TEE type, FMSPC and PCK CA), read from the real vectors.</summary>
public sealed class CollateralRequestTests
{
    [Fact]
    public async Task A_provider_is_asked_for_the_real_sgx_quotes_fmspc_and_ca_and_its_bundle_answers()
    {
        Quote quote = Quote.Parse(QuoteVectors.SgxV3);
        QuoteCollateral bundle = CollateralVectors.SgxBundle();

        CollateralRequest request = CollateralRequest.For(quote);
        QuoteCollateral served = await new StaticCollateralProvider(bundle).GetCollateralAsync(request);

        Assert.Equal(TeeType.Sgx, request.TeeType);
        Assert.Equal("00a067110000", request.FmspcHex);
        Assert.Equal(PckCaType.Processor, request.CaType);
        Assert.Same(bundle, served);
        Assert.True(request.IsAnsweredBy(served));
    }

    [Fact]
    public void A_tdx_quote_asks_for_tdx_collateral_and_sgx_collateral_does_not_answer_it()
    {
        Quote quote = Quote.Parse(QuoteVectors.TdxV4);

        CollateralRequest request = CollateralRequest.For(quote);

        Assert.Equal(TeeType.Tdx, request.TeeType);
        Assert.Equal("b0c06f000000", request.FmspcHex);
        Assert.True(request.IsAnsweredBy(CollateralVectors.TdxBundle()));
        Assert.False(request.IsAnsweredBy(CollateralVectors.SgxBundle()));
    }

    [Fact]
    public void The_tee_type_maps_to_its_tcb_info_and_nothing_else_is_accepted()
    {
        Assert.Equal(TcbInfoId.Sgx, TcbInfoIds.For(TeeType.Sgx));
        Assert.Equal(TcbInfoId.Tdx, TcbInfoIds.For(TeeType.Tdx));
        Assert.Throws<ArgumentOutOfRangeException>(() => TcbInfoIds.For((TeeType)0x42));
        Assert.Throws<ArgumentException>(() => new CollateralRequest((TeeType)0x42, new byte[6], PckCaType.Platform));
    }
}
