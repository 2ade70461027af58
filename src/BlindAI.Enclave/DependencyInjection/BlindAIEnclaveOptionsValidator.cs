using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.Sealing;
using Microsoft.Extensions.Options;

namespace BlindAI.Enclave.DependencyInjection;

/// <summary>Rejects contradictory or incomplete <see cref="BlindAIEnclaveOptions"/> at start-up.</summary>
internal sealed class BlindAIEnclaveOptionsValidator : IValidateOptions<BlindAIEnclaveOptions>
{
    public ValidateOptionsResult Validate(string? name, BlindAIEnclaveOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.QuoteProvider))
        {
            failures.Add($"QuoteProvider {options.QuoteProvider} is not a known provider.");
        }

        if (options.QuoteProvider == QuoteProviderKind.Simulation && string.IsNullOrWhiteSpace(options.SimulationDirectory))
        {
            failures.Add("QuoteProvider Simulation needs SimulationDirectory (the simulated platform's folder).");
        }

        if (string.IsNullOrWhiteSpace(options.GramineAttestationRoot))
        {
            failures.Add("GramineAttestationRoot must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.TsmReportRoot))
        {
            failures.Add("TsmReportRoot must not be empty.");
        }

        switch (options.SealingKey)
        {
            case SealingKeyKind.MrEnclave or SealingKeyKind.MrSigner:
                break;
            case SealingKeyKind.SimulationFile:
                if (string.IsNullOrWhiteSpace(options.SealingKeyFile))
                {
                    failures.Add("SealingKey SimulationFile needs SealingKeyFile.");
                }

                if (options.QuoteProvider != QuoteProviderKind.Simulation)
                {
                    failures.Add("SealingKey SimulationFile is only allowed with QuoteProvider Simulation: a key file protects nothing on a real TEE.");
                }

                break;
            default:
                failures.Add($"SealingKey {options.SealingKey} is not a known key kind.");
                break;
        }

        if (options.Certificate is null)
        {
            failures.Add("Certificate options must not be null.");
        }
        else
        {
            if (options.Certificate.KeySize is not (256 or 384))
            {
                failures.Add("Certificate.KeySize must be 256 (P-256) or 384 (P-384).");
            }

            if (options.Certificate.Validity <= TimeSpan.Zero)
            {
                failures.Add("Certificate.Validity must be positive.");
            }

            if (options.Certificate.ClockSkewAllowance < TimeSpan.Zero)
            {
                failures.Add("Certificate.ClockSkewAllowance cannot be negative.");
            }

            if (!options.Certificate.IncludeDiceEvidence && !options.Certificate.IncludeLegacyEvidence)
            {
                failures.Add("Certificate needs at least one evidence extension (DICE or legacy).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
