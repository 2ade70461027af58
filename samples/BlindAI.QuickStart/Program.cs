// BlindAI quick start: attest a (simulated) enclave server, upload a real model, embed two sentences, compare them.
// Run: dotnet run --project samples/BlindAI.QuickStart [-- --tdx]
// --tdx: the server is a simulated TDX trust domain instead of an SGX enclave, and the policy pins its MRTD.
using System.Diagnostics;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Client;
using BlindAI.Client.Attestation;
using BlindAI.Client.Models;
using BlindAI.Enclave.Simulation;
using BlindAI.Protocol.Tensors;
using BlindAI.QuickStart;

if (args is not ([] or ["--tdx"]))
{
    await Console.Error.WriteLineAsync("Usage: BlindAI.QuickStart [--tdx]");
    return 2;
}

bool tdx = args is ["--tdx"];
var clock = Stopwatch.StartNew();
using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));
CancellationToken ct = cancellation.Token;

Console.WriteLine($"Starting the sample host in SIMULATION mode ({(tdx ? "TDX trust domain" : "SGX enclave")}) on 127.0.0.1 (no real TEE: for trying the API only)...");
await using DemoServer server = await DemoServer.StartAsync(tdx, ct);

// The client verifies everything it would verify against real SGX hardware (quote signature, PCK chain, CRLs,
// TCB Info, QE Identity, policy, key binding, a fresh nonce-bound quote) but against the simulation root, which it
// trusts only because we name it here. The policy pins the simulated enclave's MRENCLAVE, or the simulated trust
// domain's MRTD (with a real TD, also pin the RTMRs that measure its firmware, kernel and command line: RequireRtmr).
var options = new BlindAIClientOptions
{
    Server = new Uri("http://127.0.0.1"),
    UntrustedPort = server.UntrustedPort,
    AttestedPort = server.AttestedPort,
    ManagementPort = server.ManagementPort,
    Policy = tdx
        ? AttestationPolicy.Strict.RequireMrTd(Measurement.FromBytes(SimulatedTeePlatform.DefaultMrTd.Span))
        : AttestationPolicy.Strict.RequireMrEnclave(Measurement.FromBytes(SimulatedTeePlatform.DefaultMrEnclave.Span)),
    InsecureSimulationRoot = SimulationRoot.FromFile(server.SimulationRootPath),
    FreshEvidence = FreshEvidenceMode.Required,
};

await using BlindAIClient client = await BlindAIClient.ConnectAsync(options, ct);
AttestationReport report = client.Attestation;
Console.WriteLine();
Console.WriteLine("Attestation verified:");
Console.WriteLine($"  evidence      {(report.FromOriginalQuoteRoute ? "GET /quote" : "RA-TLS certificate")} + fresh nonce-bound quote: {report.FreshnessVerified}");
if (report.Quote.TdReport is { } td)
{
    Console.WriteLine($"  MRTD          {td.MrTd}");
}
else
{
    Console.WriteLine($"  MRENCLAVE     {report.Quote.SgxReport?.MrEnclave}");
    Console.WriteLine($"  MRSIGNER      {report.Quote.SgxReport?.MrSigner}");
}

Console.WriteLine($"  TCB status    {report.Verification.TcbStatus.ToIntelName()} (FMSPC {report.Verification.Fmspc})");
Console.WriteLine($"  TLS key pin   SHA-256 {report.PublicKeySha256}");
Console.WriteLine($"  trust anchor  {(report.IsSimulation ? "SIMULATION root (not Intel)" : "Intel SGX Root CA")} {report.TrustAnchor.Sha256Hex}");

var miniLm = MiniLm.Load();
UploadedModel model = await client.UploadModelAsync(ModelSource.FromBytes(miniLm.Model), new UploadModelOptions { Name = "all-MiniLM-L6-v2" }, ct);
Console.WriteLine();
Console.WriteLine($"Uploaded all-MiniLM-L6-v2 ({model.Length / 1_000_000.0:F1} MB): id {model.Id}, SHA-256 {model.Hash}");

string first = "A man is eating food.";
string second = "A man is eating a piece of bread.";
float[] a = MiniLm.Pool((await client.RunModelAsync(model.Id, miniLm.Inputs(first), ct)).Single(t => t.Name == "last_hidden_state"));
float[] b = MiniLm.Pool((await client.RunModelAsync(model.Id, miniLm.Inputs(second), ct)).Single(t => t.Name == "last_hidden_state"));
float cosine = a.Zip(b, (x, y) => x * y).Sum();
Console.WriteLine($"  \"{first}\"");
Console.WriteLine($"  \"{second}\"");
Console.WriteLine($"  cosine similarity: {cosine:F4}");

await client.DeleteModelAsync(model.Id, ct);
Console.WriteLine($"Deleted model {model.Id}. Done in {clock.Elapsed.TotalSeconds:F1} s.");
return 0;
