using BlindAI.Enclave.DependencyInjection;
using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.RaTls;
using BlindAI.Enclave.Sealing;
using BlindAI.Enclave.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BlindAI.Enclave.Tests.DependencyInjection;

public sealed class AddBlindAIEnclaveTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Resolves_gramine_services_when_dev_attestation_is_present()
    {
        Directory.CreateDirectory(_dir.Combine("keys"));
        File.WriteAllText(_dir.Combine("attestation_type"), "dcap");
        File.WriteAllBytes(_dir.Combine("keys", "_sgx_mrsigner"), new byte[16]);
        await using ServiceProvider services = new ServiceCollection()
            .AddLogging()
            .AddBlindAIEnclave(o =>
            {
                o.GramineAttestationRoot = _dir.Path;
                o.SealingKey = SealingKeyKind.MrSigner;
            })
            .BuildServiceProvider(validateScopes: true);

        Assert.IsType<GramineQuoteProvider>(services.GetRequiredService<IQuoteProvider>());
        Assert.NotNull(services.GetRequiredService<RaTlsCertificateBuilder>());
        Assert.NotNull(services.GetRequiredService<FreshQuoteService>());
        Assert.Equal(SealingKeyKind.MrSigner, services.GetRequiredService<ISealingKeyProvider>().Kind);
        Assert.NotNull(services.GetRequiredService<SealedBlobProtector>());
    }

    [Fact]
    public void Simulation_without_folder_fails_validation()
    {
        using ServiceProvider services = new ServiceCollection()
            .AddBlindAIEnclave(o => o.QuoteProvider = QuoteProviderKind.Simulation)
            .BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<BlindAIEnclaveOptions>>().Value);
        Assert.Contains(e.Failures, f => f.Contains("SimulationDirectory", StringComparison.Ordinal));
    }

    [Fact]
    public void A_simulation_key_file_on_a_real_tee_fails_validation()
    {
        using ServiceProvider services = new ServiceCollection()
            .AddBlindAIEnclave(o =>
            {
                o.QuoteProvider = QuoteProviderKind.Gramine;
                o.SealingKey = SealingKeyKind.SimulationFile;
                o.SealingKeyFile = _dir.Combine("k");
            })
            .BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<BlindAIEnclaveOptions>>().Value);
        Assert.Contains(e.Failures, f => f.Contains("only allowed with QuoteProvider Simulation", StringComparison.Ordinal));
    }

    [Fact]
    public void Certificate_without_evidence_fails_validation()
    {
        using ServiceProvider services = new ServiceCollection()
            .AddBlindAIEnclave(o => o.Certificate = new RaTlsCertificateOptions { IncludeDiceEvidence = false, IncludeLegacyEvidence = false })
            .BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<BlindAIEnclaveOptions>>().Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(255)]
    [InlineData(521)]
    public void Certificate_key_size_other_than_P256_or_P384_fails_validation(int keySize)
    {
        using ServiceProvider services = new ServiceCollection()
            .AddBlindAIEnclave(o => o.Certificate = new RaTlsCertificateOptions { KeySize = keySize })
            .BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<BlindAIEnclaveOptions>>().Value);
        Assert.Contains(e.Failures, f => f.Contains("KeySize", StringComparison.Ordinal));
    }
}
