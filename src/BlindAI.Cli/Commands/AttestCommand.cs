using System.CommandLine;
using System.Text.Json;
using BlindAI.Attestation;
using BlindAI.Attestation.Policy;
using BlindAI.Cli.Output;
using BlindAI.Client;
using BlindAI.Client.Attestation;
using BlindAI.Protocol;

namespace BlindAI.Cli.Commands;

/// <summary><c>blindai attest &lt;host&gt;</c>: attests a BlindAI server exactly as the client SDK does before sending anything.</summary>
internal static class AttestCommand
{
    public static Command Create()
    {
        var server = new ServerInputs();
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (the field names of 'quote verify --json')." };
        var command = new Command("attest", "Attest a BlindAI server: certificate evidence, DCAP collateral, policy, key binding and a fresh nonce-bound quote. Exit 0 verified, 1 rejected, 2 usage or input error.")
        {
            json,
        };
        server.AddTo(command);
        CommandRunner.SetAction(command, async (parse, output, cancellationToken) =>
        {
            (string host, BlindAIClientOptions options, TimeProvider time) = await server.GetAsync(parse, cancellationToken).ConfigureAwait(false);
            try
            {
                await using BlindAIClient client = await new BlindAIConnector(timeProvider: time).ConnectAsync(host, options, cancellationToken).ConfigureAwait(false);
                AttestationReport report = client.Attestation;
                var verification = new VerificationReport
                {
                    Quote = report.Quote,
                    Result = report.Verification,
                    Extra = [new("bindingVerified", true), new("freshnessVerified", report.FreshnessVerified), new("simulation", report.IsSimulation)],
                };
                if (parse.GetValue(json))
                {
                    await JsonOutput.WriteAsync(output, verification.WriteJson).ConfigureAwait(false);
                }
                else
                {
                    verification.WriteText(output);
                    await output.WriteLineAsync($"  Evidence: {report.Source}; TLS key SHA-256: {report.PublicKeySha256}").ConfigureAwait(false);
                    await output.WriteLineAsync($"  Trust anchor: {(report.IsSimulation ? "SIMULATION root (not Intel)" : "Intel SGX Root CA")} {report.TrustAnchor.Sha256Hex}").ConfigureAwait(false);
                }

                return CliExitCode.Ok;
            }
            catch (AttestationException ex)
            {
                if (parse.GetValue(json))
                {
                    await JsonOutput.WriteAsync(output, writer => WriteRejection(writer, ex)).ConfigureAwait(false);
                }
                else
                {
                    await output.WriteLineAsync("REJECTED").ConfigureAwait(false);
                    await output.WriteLineAsync($"  Failure: {ex.Reason} at {ex.Step}: {ex.Message}").ConfigureAwait(false);
                    foreach (PolicyViolation violation in ex.Violations)
                    {
                        await output.WriteLineAsync($"  Policy violation: {violation}").ConfigureAwait(false);
                    }
                }

                return CliExitCode.Rejected;
            }
            catch (HttpRequestException ex)
            {
                throw new CliInputException($"cannot reach {host}: {ex.Message}");
            }
            catch (TimeoutException ex)
            {
                throw new CliInputException(ex.Message);
            }
        });
        return command;
    }

    private static void WriteRejection(Utf8JsonWriter json, AttestationException failure)
    {
        json.WriteStartObject();
        json.WriteBoolean("verified", false);
        VerificationReport.WriteFailure(json, failure);
        VerificationReport.WritePolicyViolations(json, failure.Violations);
        json.WriteEndObject();
    }

    /// <summary>The options naming and judging a server, shared by <c>attest</c> and <c>model</c>.</summary>
    internal sealed class ServerInputs
    {
        private readonly Argument<string> _host = new("host") { Description = "The server's host name or IP address." };
        private readonly Option<int> _untrustedPort = new("--untrusted-port") { Description = "Untrusted port (certificate, evidence, collateral).", DefaultValueFactory = _ => ProtocolRoutes.DefaultUntrustedPort };
        private readonly Option<int> _attestedPort = new("--attested-port") { Description = "Attested port (run).", DefaultValueFactory = _ => ProtocolRoutes.DefaultAttestedPort };
        private readonly Option<int> _managementPort = new("--management-port") { Description = "Management port (upload, delete).", DefaultValueFactory = _ => ProtocolRoutes.DefaultManagementPort };
        private readonly Option<FileInfo> _simulationRoot = new("--simulation-root") { Description = "INSECURE, development only: trust a simulated TEE whose root certificate is this PEM file (the sample host writes <data-dir>/simulation-root.pem)." };
        private readonly Option<string> _managementToken = new("--management-token") { Description = "Bearer token for model management, when the server requires one." };
        private readonly PolicyInputs _policy = new();

        public void AddTo(Command command)
        {
            command.Add(_host);
            command.Add(_untrustedPort);
            command.Add(_attestedPort);
            command.Add(_managementPort);
            command.Add(_simulationRoot);
            command.Add(_managementToken);
            _policy.AddTo(command);
        }

        /// <exception cref="CliInputException">An option is invalid.</exception>
        public async Task<(string Host, BlindAIClientOptions Options, TimeProvider Time)> GetAsync(ParseResult parse, CancellationToken cancellationToken)
        {
            AttestationPolicy policy = await _policy.GetPolicyAsync(parse, cancellationToken).ConfigureAwait(false);
            FileInfo? root = parse.GetValue(_simulationRoot);
            SimulationRoot? simulation;
            try
            {
                simulation = root is null ? null : SimulationRoot.FromFile(root.FullName);
            }
            catch (ArgumentException ex)
            {
                throw new CliInputException($"--simulation-root {root!.Name}: {ex.Message}");
            }

            var options = new BlindAIClientOptions
            {
                UntrustedPort = parse.GetValue(_untrustedPort),
                AttestedPort = parse.GetValue(_attestedPort),
                ManagementPort = parse.GetValue(_managementPort),
                Policy = policy,
                InsecureSimulationRoot = simulation,
                ManagementToken = parse.GetValue(_managementToken),
            };
            IReadOnlyList<string> errors = options.GetValidationErrors(requireServer: false);
            if (errors.Count > 0)
            {
                throw new CliInputException(string.Join(" ", errors));
            }

            // --at judges the collateral as of that instant; without it the instant is now.
            TimeProvider time = new FixedTime(_policy.GetInstant(parse, TimeProvider.System));
            return (parse.GetRequiredValue(_host), options, time);
        }
    }

    /// <summary>The clock of <c>--at</c>: attestation judged as of that instant.</summary>
    private sealed class FixedTime(DateTimeOffset instant) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => instant;
    }
}
