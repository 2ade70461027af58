using System.Net;
using System.Text;
using BlindAI.Attestation.Collateral;
using BlindAI.Enclave.Simulation;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.SampleHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BlindAI.SampleHost.Tests.Server;

/// <summary><c>/collateral</c> from a configured collateral provider (as for Intel PCS or a PCCS), in the original wire shape.</summary>
public sealed class CollateralSourceTests
{
    [Fact]
    public async Task A_configured_provider_serves_the_collateral_of_the_quote_platform_byte_for_byte()
    {
        string data = Directory.CreateTempSubdirectory("blindai-host-collateral-").FullName;
        try
        {
            // The host will load this platform from its data folder; the provider holds collateral it signed.
            using SimulatedTeePlatform platform = SimulatedTeePlatform.LoadOrCreate(Path.Combine(data, "simulation"));
            SimulatedCollateral signed = platform.CreateCollateral();
            QuoteCollateral collateral = signed.ToQuoteCollateral();

            await using RunningHost host = await RunningHost.StartAsync(
                dataDirectory: data,
                services: services => services.AddSingleton<ICollateralProvider>(new StaticCollateralProvider(collateral)));
            using HttpResponseMessage response = await host.Untrusted.GetAsync("/collateral");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            SgxCollateral wire = MessageCodec.Default.DecodeCollateral(await response.Content.ReadAsByteArrayAsync());
            Assert.Equal(signed.ToPcsTcbInfoResponse(), wire.TcbInfo);
            Assert.Equal(signed.ToPcsQeIdentityResponse(), wire.QeIdentity);
            Assert.Equal(platform.PckCertificate.ExportCertificatePem(), wire.PckCertificate);
            Assert.Equal(signed.RootCaCrl.ToArray(), System.Security.Cryptography.PemEncoding.Find(wire.RootCaCrl) is var pem ? Convert.FromBase64String(wire.RootCaCrl[pem.Base64Data]) : []);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
