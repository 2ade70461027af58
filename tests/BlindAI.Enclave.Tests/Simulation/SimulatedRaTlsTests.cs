using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Enclave.DependencyInjection;
using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.RaTls;
using BlindAI.Enclave.Sealing;
using BlindAI.Enclave.Simulation;
using BlindAI.Enclave.Tests.RaTls;
using BlindAI.Enclave.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BlindAI.Enclave.Tests.Simulation;

public sealed class SimulatedRaTlsTests : IClassFixture<SimulatedPlatformFixture>
{
    private readonly SimulatedTeePlatform _platform;

    public SimulatedRaTlsTests(SimulatedPlatformFixture fixture) => _platform = fixture.Platform;

    [Theory]
    [InlineData(SimulatedQuoteFormat.SgxV3)]
    [InlineData(SimulatedQuoteFormat.TdxV4)]
    [InlineData(SimulatedQuoteFormat.TdxV5TdReport15)]
    public async Task Certificate_over_simulated_quotes_passes_gramines_byte_checks_and_binds_the_key(SimulatedQuoteFormat format)
    {
        var provider = new SimulatedQuoteProvider(_platform, new SimulatedQuoteOptions { Format = format });
        using RaTlsCertificate cert = await new RaTlsCertificateBuilder(provider).BuildAsync(new RaTlsCertificateOptions(), CancellationToken.None);
        byte[] spki = cert.Certificate.PublicKey.ExportSubjectPublicKeyInfo();

        byte[]? evidence = GramineRaTlsChecks.FindEvidence(cert.Certificate.RawData, GramineRaTlsChecks.DiceOidTlv, out string? failure);
        Assert.True(evidence is not null, failure);
        var reader = new System.Formats.Cbor.CborReader(evidence);
        reader.ReadTag();
        reader.ReadStartArray();
        QuoteLayout dice = QuoteLayout.Read(reader.ReadByteString());
        byte[] claims = reader.ReadByteString();
        Assert.Equal(SHA256.HashData(claims), dice.ReportData[..32]);

        byte[]? legacyQuote = GramineRaTlsChecks.FindEvidence(cert.Certificate.RawData, GramineRaTlsChecks.LegacyOidTlv, out failure);
        Assert.True(legacyQuote is not null, failure);
        Assert.Equal(SHA256.HashData(spki), QuoteLayout.Read(legacyQuote).ReportData[..32]);
        if (format == SimulatedQuoteFormat.SgxV3)
        {
            GramineRaTlsChecks.CheckDiceEvidence(evidence, spki);
        }
    }

    [Fact]
    public async Task A_simulated_provider_registered_before_AddBlindAIEnclave_is_kept_and_shares_the_saved_root()
    {
        using var dir = new TempDirectory();
        using SimulatedTeePlatform platform = SimulatedTeePlatform.LoadOrCreate(dir.Combine("platform"));
        await using ServiceProvider services = new ServiceCollection()
            .AddSingleton<IQuoteProvider>(new SimulatedQuoteProvider(platform))
            .AddBlindAIEnclave(o =>
            {
                o.QuoteProvider = QuoteProviderKind.Simulation;
                o.SimulationDirectory = dir.Combine("platform");
                o.SealingKey = SealingKeyKind.SimulationFile;
                o.SealingKeyFile = dir.Combine("platform", "sealing.key");
            })
            .BuildServiceProvider();

        IQuoteProvider provider = services.GetRequiredService<IQuoteProvider>();
        Assert.IsType<SimulatedQuoteProvider>(provider);
        byte[] quote = await provider.GetQuoteAsync(new byte[64], CancellationToken.None);
        using SimulatedTeePlatform saved = SimulatedTeePlatform.Load(dir.Combine("platform"));
        X509Certificate2Collection chain = [];
        chain.ImportFromPem(QuoteLayout.Read(quote).PckChainPem.TrimEnd('\0'));
        Assert.Equal(saved.RootCertificate.RawData, chain[2].RawData);

        SealedBlobProtector protector = services.GetRequiredService<SealedBlobProtector>();
        byte[] blob = await protector.SealAsync("model"u8.ToArray(), "id"u8.ToArray(), CancellationToken.None);
        Assert.Equal("model"u8.ToArray(), await protector.UnsealAsync(blob, "id"u8.ToArray(), CancellationToken.None));
    }

    [Fact]
    public async Task Naming_simulation_without_registering_a_simulated_provider_fails_closed()
    {
        // The enclave package cannot build the simulated platform (it lives in the insecure package): asking for it by
        // name must not fall back to anything else.
        using var dir = new TempDirectory();
        await using ServiceProvider services = new ServiceCollection()
            .AddBlindAIEnclave(o =>
            {
                o.QuoteProvider = QuoteProviderKind.Simulation;
                o.SimulationDirectory = dir.Combine("platform");
                o.GramineAttestationRoot = dir.Path;
            })
            .BuildServiceProvider();

        var e = Assert.Throws<EvidenceException>(() => services.GetRequiredService<IQuoteProvider>());
        Assert.Equal(EnclaveErrorReason.SimulationNotConfigured, e.Reason);
        Assert.Contains("SimulatedQuoteProvider", e.Message, StringComparison.Ordinal);
    }
}
