using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.RaTls;
using BlindAI.Enclave.Sealing;

namespace BlindAI.Enclave.DependencyInjection;

/// <summary>Settings for <see cref="BlindAIEnclaveServiceCollectionExtensions.AddBlindAIEnclave"/>; validated at start-up.</summary>
public sealed class BlindAIEnclaveOptions
{
    /// <summary>Which platform gives quotes. <see cref="QuoteProviderKind.Automatic"/> (the default) picks Gramine, then configfs-tsm, and never simulation.</summary>
    public QuoteProviderKind QuoteProvider { get; set; } = QuoteProviderKind.Automatic;

    /// <summary>Gramine's attestation folder, <c>/dev/attestation</c> by default.</summary>
    public string GramineAttestationRoot { get; set; } = GramineQuoteProviderOptions.DefaultAttestationRoot;

    /// <summary>The configfs-tsm report folder, <c>/sys/kernel/config/tsm/report</c> by default.</summary>
    public string TsmReportRoot { get; set; } = TsmQuoteProviderOptions.DefaultReportRoot;

    /// <summary>The simulated platform's folder; required when <see cref="QuoteProvider"/> is <see cref="QuoteProviderKind.Simulation"/>.</summary>
    public string? SimulationDirectory { get; set; }

    /// <summary>Which sealing key to use. On SGX: MrEnclave (default) or MrSigner; SimulationFile only with simulation.</summary>
    public SealingKeyKind SealingKey { get; set; } = SealingKeyKind.MrEnclave;

    /// <summary>The simulation sealing key file; required when <see cref="SealingKey"/> is <see cref="SealingKeyKind.SimulationFile"/>.</summary>
    public string? SealingKeyFile { get; set; }

    /// <summary>How the RA-TLS certificate is built.</summary>
    public RaTlsCertificateOptions Certificate { get; set; } = new();
}
