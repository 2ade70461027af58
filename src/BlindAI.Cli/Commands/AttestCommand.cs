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
        var server = new ServerInputs(IdentityUse.Report);
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (the field names of 'quote verify --json')." };
        var command = new Command("attest", "Attest a BlindAI server: certificate evidence, DCAP collateral, policy, key binding and a fresh nonce-bound quote, judged now. "
            + "Without --policy or a pin the identity is reported as not pinned. Exit 0 verified, 1 rejected, 2 usage or input error.")
        {
            json,
        };
        server.AddTo(command);
        CommandRunner.SetAction(command, async (parse, output, cancellationToken) =>
        {
            (string host, BlindAIClientOptions options) = await server.GetAsync(parse, cancellationToken).ConfigureAwait(false);
            bool pinned = options.Policy.PinsIdentity;
            try
            {
                await using BlindAIClient client = await ServerInputs.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
                AttestationReport report = client.Attestation;
                var verification = new VerificationReport
                {
                    Quote = report.Quote,
                    Result = report.Verification,
                    IdentityPinned = pinned,
                    Checks = [new("bindingVerified", true)],
                    // Facts, not checks: the connector already enforced what the options require (fresh evidence when
                    // offered, the simulation root only when named); a real server is not "rejected" for being real.
                    Facts = [new("freshnessVerified", report.FreshnessVerified), new("simulation", report.IsSimulation)],
                };
                if (parse.GetValue(json))
                {
                    await JsonOutput.WriteAsync(output, verification.WriteJson).ConfigureAwait(false);
                }
                else
                {
                    verification.WriteText(output);
                    await output.WriteLineAsync($"  Evidence: {(report.FromOriginalQuoteRoute ? "GET /quote (original server)" : "RA-TLS certificate")}; TLS key SHA-256: {report.PublicKeySha256}").ConfigureAwait(false);
                    await output.WriteLineAsync($"  Trust anchor: {(report.IsSimulation ? "SIMULATION root (not Intel)" : "Intel SGX Root CA")} {report.TrustAnchor.Sha256Hex}").ConfigureAwait(false);
                }

                return CliExitCode.Ok;
            }
            catch (AttestationException ex)
            {
                if (parse.GetValue(json))
                {
                    await JsonOutput.WriteAsync(output, writer => WriteRejection(writer, ex, pinned)).ConfigureAwait(false);
                }
                else
                {
                    await output.WriteLineAsync("REJECTED").ConfigureAwait(false);
                    await output.WriteLineAsync(pinned ? "  identity pinned by the policy" : "  identity not pinned").ConfigureAwait(false);
                    await output.WriteLineAsync($"  Failure: {ex.Reason} at {ex.Step}: {ex.Message}").ConfigureAwait(false);
                    foreach (PolicyViolation violation in ex.Violations)
                    {
                        await output.WriteLineAsync($"  Policy violation: {violation}").ConfigureAwait(false);
                    }
                }

                return CliExitCode.Rejected;
            }
            catch (AttestationFormatException ex)
            {
                // The connector's own parsing of the server's evidence: a rejection of that evidence, as for an offline quote.
                AttestationException failure = QuoteCommand.Malformed(ex);
                if (parse.GetValue(json))
                {
                    await JsonOutput.WriteAsync(output, writer => WriteRejection(writer, failure, pinned)).ConfigureAwait(false);
                }
                else
                {
                    await output.WriteLineAsync("REJECTED").ConfigureAwait(false);
                    await output.WriteLineAsync($"  Failure: {failure.Reason} at {failure.Step}: {failure.Message}").ConfigureAwait(false);
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

    private static void WriteRejection(Utf8JsonWriter json, AttestationException failure, bool identityPinned)
    {
        json.WriteStartObject();
        json.WriteBoolean("verified", false);
        json.WriteBoolean("identityPinned", identityPinned);
        VerificationReport.WriteFailure(json, failure);
        VerificationReport.WritePolicyViolations(json, failure.Violations);
        json.WriteEndObject();
    }

    /// <summary>
    /// The options naming and judging a server, shared by <c>attest</c> and <c>model</c>. There is no <c>--at</c>: a live
    /// server is always judged as of now.
    /// </summary>
    internal sealed class ServerInputs
    {
        private readonly IdentityUse _use;
        private readonly Argument<string> _host = new("host") { Description = "The server's host name or IP address." };
        private readonly Option<int> _untrustedPort = new("--untrusted-port") { Description = "Untrusted port (certificate, evidence, collateral).", DefaultValueFactory = _ => ProtocolRoutes.DefaultUntrustedPort };
        private readonly Option<int> _attestedPort = new("--attested-port") { Description = "Attested port (run).", DefaultValueFactory = _ => ProtocolRoutes.DefaultAttestedPort };
        private readonly Option<int> _managementPort = new("--management-port") { Description = "Management port (upload, delete).", DefaultValueFactory = _ => ProtocolRoutes.DefaultManagementPort };
        private readonly Option<FileInfo> _simulationRoot = new("--simulation-root") { Description = "INSECURE, development only: trust a simulated TEE whose root certificate is this PEM file (the sample host writes <data-dir>/simulation-root.pem)." };
        private readonly Option<string> _managementToken = new("--management-token") { Description = "Bearer token for model management, when the server requires one." };
        private readonly PolicyInputs _policy;

        /// <param name="use">Whether the command sends data (then an identity must be pinned, and it takes <c>--management-token</c>).</param>
        public ServerInputs(IdentityUse use)
        {
            _use = use;
            _policy = new PolicyInputs(use);
        }

        public void AddTo(Command command)
        {
            command.Add(_host);
            command.Add(_untrustedPort);
            command.Add(_attestedPort);
            command.Add(_managementPort);
            command.Add(_simulationRoot);
            if (_use == IdentityUse.Send)
            {
                // Only the sending commands can use a token; 'attest' never sends one.
                command.Add(_managementToken);
            }

            _policy.AddTo(command);
        }

        /// <exception cref="CliInputException">An option is invalid, or a sending command's policy pins no identity.</exception>
        public async Task<(string Host, BlindAIClientOptions Options)> GetAsync(ParseResult parse, CancellationToken cancellationToken)
        {
            AttestationPolicy policy = await _policy.GetPolicyAsync(parse, cancellationToken).ConfigureAwait(false);
            FileInfo? root = parse.GetValue(_simulationRoot);
            string host = parse.GetRequiredValue(_host);
            Uri server;
            try
            {
                server = new UriBuilder(Uri.UriSchemeHttp, host, parse.GetValue(_untrustedPort)).Uri;
            }
            catch (UriFormatException ex)
            {
                throw new CliInputException($"'{host}' is not a host name or IP address.", ex);
            }

            var options = new BlindAIClientOptions
            {
                Server = server,
                AttestedPort = parse.GetValue(_attestedPort),
                ManagementPort = parse.GetValue(_managementPort),
                Policy = policy,
                InsecureSimulationRoot = root is null ? null : OfflineInputs.ReadSimulationRoot(root),
                ManagementToken = _use == IdentityUse.Send ? parse.GetValue(_managementToken) : null,
            };
            return (host, options);
        }

        /// <summary>Attests the server; invalid options, which the client checks before any connection, are input errors.</summary>
        /// <exception cref="CliInputException">An option is invalid, or a sending command's policy pins no identity.</exception>
        public static async Task<BlindAIClient> ConnectAsync(BlindAIClientOptions options, CancellationToken cancellationToken)
        {
            try
            {
                return await BlindAIClient.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException ex)
            {
                throw new CliInputException(ex.Message, ex);
            }
        }
    }
}
