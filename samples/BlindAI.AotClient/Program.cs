// A Native AOT BlindAI client: attest a server pinned to one MRENCLAVE, upload an ONNX model, run it once on the
// float32 inputs given, print the outputs, delete the model. Exit codes: 0 done, 1 refused or failed, 2 usage.
//
//   BlindAI.AotClient <host> <untrusted-port> <attested-port> <management-port> --mrenclave <64 hex> --model <file.onnx>
//       [--input <name>=<d1>x<d2>...:<v1>,<v2>,...]... [--insecure-simulation-root <root.pem>]
using System.Globalization;
using BlindAI.Attestation;
using BlindAI.Attestation.Policy;
using BlindAI.Client;
using BlindAI.Client.Attestation;
using BlindAI.Client.Models;
using BlindAI.Protocol.Tensors;

if (!CommandLine.TryParse(args, out CommandLine? command, out string? usageError))
{
    await Console.Error.WriteLineAsync(usageError).ConfigureAwait(false);
    await Console.Error.WriteLineAsync(CommandLine.Usage).ConfigureAwait(false);
    return 2;
}

using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));
CancellationToken ct = cancellation.Token;
var options = new BlindAIClientOptions
{
    Server = new UriBuilder("http", command.Host).Uri,
    UntrustedPort = command.UntrustedPort,
    AttestedPort = command.AttestedPort,
    ManagementPort = command.ManagementPort,
    Policy = AttestationPolicy.Strict.RequireMrEnclave(command.MrEnclave),
    InsecureSimulationRoot = command.SimulationRootPath is null ? null : SimulationRoot.FromFile(command.SimulationRootPath),
    FreshEvidence = FreshEvidenceMode.Required,
};

try
{
    await using BlindAIClient client = await BlindAIClient.ConnectAsync(options, ct).ConfigureAwait(false);
    Console.WriteLine($"attested MRENCLAVE {client.Attestation.Quote.SgxReport?.MrEnclave} TCB {client.Attestation.Verification.TcbStatus} fresh {client.Attestation.FreshnessVerified}");
    UploadedModel model = await client.UploadModelAsync(ModelSource.FromFile(command.ModelPath), cancellationToken: ct).ConfigureAwait(false);
    Console.WriteLine($"uploaded {model.Id} sha256 {model.Hash}");
    IReadOnlyList<Tensor> outputs = await client.RunModelAsync(model.Id, command.Inputs, ct).ConfigureAwait(false);
    foreach (Tensor output in outputs)
    {
        string values = output.ElementType == TensorElementType.Float32
            ? string.Join(",", output.ToArray<float>().Select(v => v.ToString("R", CultureInfo.InvariantCulture)))
            : $"({Tensor.GetWireName(output.ElementType)} values not printed)";
        Console.WriteLine($"output {output.Name} [{string.Join("x", output.Shape)}] {values}");
    }

    await client.DeleteModelAsync(model.Id, ct).ConfigureAwait(false);
    Console.WriteLine($"deleted {model.Id}");
    return 0;
}
catch (Exception e) when (e is AttestationException or BlindAI.Client.Errors.BlindAIRequestException or BlindAI.Protocol.ProtocolException or HttpRequestException or IOException or OperationCanceledException)
{
    await Console.Error.WriteLineAsync($"{e.GetType().Name}: {e.Message}").ConfigureAwait(false);
    return 1;
}
