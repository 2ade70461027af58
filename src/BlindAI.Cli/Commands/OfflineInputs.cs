using System.CommandLine;
using System.Globalization;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Verification;
using BlindAI.Client.Attestation;

namespace BlindAI.Cli.Commands;

/// <summary>
/// The options only offline verification takes (<c>quote verify</c>, <c>ratls verify</c>, <c>bench verify</c>): <c>--at</c>,
/// the instant to judge recorded evidence at, and <c>--simulation-root</c>, the root of a simulated host. A command that
/// sends data never takes <c>--at</c>: a live server is judged as of now, so expired or revoked collateral cannot be made
/// to pass by naming a past instant.
/// </summary>
internal sealed class OfflineInputs
{
    private readonly Option<string> _at = new("--at")
    {
        Description = "Verify as of this instant (RFC 3339, or unix seconds) instead of now.",
    };

    private readonly Option<FileInfo> _simulationRoot = new("--simulation-root")
    {
        Description = "INSECURE, development only: trust evidence from a simulated TEE whose root certificate is this PEM or DER file "
            + "(the sample host writes <data-dir>/simulation-root.pem) instead of the Intel SGX Root CA.",
    };

    public void AddTo(Command command)
    {
        command.Add(_at);
        command.Add(_simulationRoot);
    }

    /// <summary>The verification instant: <c>--at</c>, or the current time.</summary>
    /// <exception cref="CliInputException">The value is neither RFC 3339 nor unix seconds.</exception>
    public DateTimeOffset GetInstant(ParseResult parse, TimeProvider timeProvider)
    {
        string? text = parse.GetValue(_at);
        if (text is null)
        {
            return timeProvider.GetUtcNow();
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
        {
            try
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
            catch (ArgumentOutOfRangeException)
            {
                throw new CliInputException($"--at {text}: unix seconds out of range.");
            }
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset instant)
            && text.Contains('T', StringComparison.OrdinalIgnoreCase))
        {
            return instant;
        }

        throw new CliInputException($"--at {text}: expected an RFC 3339 instant (2025-07-19T10:01:17Z) or unix seconds.");
    }

    /// <summary>The verifier: the policy (with its collateral grace period) and the trust anchor, Intel's or the named simulation root.</summary>
    /// <exception cref="CliInputException">The simulation root file is not a certificate.</exception>
    public AttestationVerifier GetVerifier(ParseResult parse, AttestationPolicy policy) =>
        new(policy, parse.GetValue(_simulationRoot) is { } root ? TrustAnchor.InsecureNonIntelRoot(ReadSimulationRoot(root).Certificate) : null);

    /// <summary>Reads a simulation root as the client SDK does (PEM or DER).</summary>
    /// <exception cref="CliInputException">The file is not a certificate.</exception>
    public static SimulationRoot ReadSimulationRoot(FileInfo file)
    {
        try
        {
            return SimulationRoot.FromFile(file.FullName);
        }
        catch (ArgumentException ex)
        {
            throw new CliInputException($"--simulation-root {file.Name}: {ex.Message}");
        }
    }
}
