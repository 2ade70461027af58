using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Client.Attestation;
using BlindAI.Testing;

namespace BlindAI.Client.Tests.Unit;

public sealed class CollateralResolversTests
{
    [Fact]
    public async Task A_provider_is_asked_for_the_real_quotes_FMSPC_and_CA_and_its_collateral_verifies_the_quote()
    {
        Quote quote = Quote.Parse(TestPaths.ReadTestData("dcap", "phala-dcap-qvl", "sgx_quote"));
        QuoteCollateral bundle = DcapQvlCollateralJson.Parse(TestPaths.ReadTestData("dcap", "phala-dcap-qvl", "sgx_quote_collateral.json"));
        CollateralResolver resolver = CollateralResolvers.FromProvider(new StaticCollateralProvider(bundle));

        CollateralRequest request = CollateralResolvers.RequestFor(quote);
        QuoteCollateral resolved = await resolver(quote, CancellationToken.None);

        Assert.Equal(TcbInfoId.Sgx, request.TeeType);
        Assert.Equal(quote.SignatureData.PckCertificateChain.Extensions.Fmspc.ToString(), request.FmspcHex, ignoreCase: true);
        Assert.Same(bundle, resolved);
        Assert.True(request.IsAnsweredBy(resolved));
    }
}
