using BlindAI.Enclave.DependencyInjection;
using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.Tests.Support;

namespace BlindAI.Enclave.Tests.Quoting;

public sealed class QuoteProviderSelectorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private BlindAIEnclaveOptions Options(QuoteProviderKind kind = QuoteProviderKind.Automatic) => new()
    {
        QuoteProvider = kind,
        GramineAttestationRoot = _dir.Combine("attestation"),
        TsmReportRoot = _dir.Combine("tsm", "report"),
    };

    [Fact]
    public void Prefers_gramine_when_attestation_type_exists()
    {
        Directory.CreateDirectory(_dir.Combine("attestation"));
        File.WriteAllText(_dir.Combine("attestation", "attestation_type"), "dcap");
        Directory.CreateDirectory(_dir.Combine("tsm", "report"));
        Assert.IsType<GramineQuoteProvider>(QuoteProviderSelector.Create(Options()));
    }

    [Fact]
    public void Falls_back_to_configfs_tsm()
    {
        Directory.CreateDirectory(_dir.Combine("attestation", "keys"));
        Directory.CreateDirectory(_dir.Combine("tsm", "report"));
        Assert.IsType<TsmQuoteProvider>(QuoteProviderSelector.Create(Options()));
    }

    [Fact]
    public void Gives_a_clear_error_without_any_tee_and_never_falls_back_to_simulation()
    {
        var e = Assert.Throws<EvidenceException>(() => QuoteProviderSelector.Create(Options()));
        Assert.Equal(EnclaveErrorReason.PlatformUnavailable, e.Reason);
        Assert.Contains("simulated platform by name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Uses_the_provider_named_even_if_absent()
    {
        Assert.IsType<GramineQuoteProvider>(QuoteProviderSelector.Create(Options(QuoteProviderKind.Gramine)));
        Assert.IsType<TsmQuoteProvider>(QuoteProviderSelector.Create(Options(QuoteProviderKind.ConfigFsTsm)));
    }

    [Fact]
    public void Simulation_is_never_created_by_the_selector_even_with_a_folder()
    {
        // The simulated platform is in the separate, insecure package: the production selector cannot make one.
        BlindAIEnclaveOptions options = Options(QuoteProviderKind.Simulation);
        options.SimulationDirectory = _dir.Path;
        var e = Assert.Throws<EvidenceException>(() => QuoteProviderSelector.Create(options));
        Assert.Equal(EnclaveErrorReason.SimulationNotConfigured, e.Reason);
    }
}
