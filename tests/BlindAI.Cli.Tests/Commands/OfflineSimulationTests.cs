using System.Security.Cryptography;
using System.Text.Json;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Verification;
using BlindAI.Cli.Output;
using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.RaTls;
using BlindAI.Enclave.Simulation;

namespace BlindAI.Cli.Tests.Commands;

/// <summary>
/// Evidence recorded from a simulated host, checked offline: <c>quote verify</c>, <c>ratls verify</c> and <c>bench verify</c>
/// take <c>--simulation-root</c> as <c>attest</c> does, and trust it only when it is named.
/// </summary>
public sealed class OfflineSimulationTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("blindai-offline-sim-").FullName;
    private readonly SimulatedTeePlatform _platform = SimulatedTeePlatform.Create();

    public void Dispose()
    {
        _platform.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }

    private static string SimulatedMrEnclave => Convert.ToHexStringLower(new SimulatedSgxEnclave().MrEnclave.Span);

    [Fact]
    public async Task Ratls_verify_checks_a_simulated_certificate_against_the_named_root()
    {
        using var quotes = new SimulatedQuoteProvider(_platform);
        using RaTlsCertificate built = await new RaTlsCertificateBuilder(quotes).BuildAsync(new RaTlsCertificateOptions(), CancellationToken.None);
        string certificate = Path.Combine(_scratch, "server.pem");
        await File.WriteAllTextAsync(certificate, built.Certificate.ExportCertificatePem());
        (string collateral, string root) = await WriteCollateralAndRootAsync();

        CliRun named = await CliRun.InvokeAsync("ratls", "verify", certificate, "--collateral", collateral, "--simulation-root", root, "--mrenclave", SimulatedMrEnclave, "--json");
        CliRun intel = await CliRun.InvokeAsync("ratls", "verify", certificate, "--collateral", collateral, "--json");

        Assert.True(named.ExitCode == 0, named.Output + named.Error);
        using (JsonDocument report = JsonDocument.Parse(named.Output))
        {
            Assert.True(report.RootElement.GetProperty("verified").GetBoolean());
            Assert.True(report.RootElement.GetProperty("bindingVerified").GetBoolean());
            Assert.True(report.RootElement.GetProperty("identityPinned").GetBoolean());
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(_platform.RootCertificate.RawData)), report.RootElement.GetProperty("trustAnchorSha256").GetString());
        }

        Assert.Equal(1, intel.ExitCode);
        using JsonDocument rejected = JsonDocument.Parse(intel.Output);
        Assert.Equal("UntrustedRoot", rejected.RootElement.GetProperty("failure").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Bench_verify_times_a_simulated_quote_against_the_named_root()
    {
        string quote = Path.Combine(_scratch, "quote.bin");
        await File.WriteAllBytesAsync(quote, _platform.CreateQuote(new byte[IQuoteProvider.ReportDataLength]));
        (string collateral, string root) = await WriteCollateralAndRootAsync();

        CliRun named = await CliRun.InvokeAsync("bench", "verify", quote, "--collateral", collateral, "--simulation-root", root, "--iterations", "2");
        CliRun intel = await CliRun.InvokeAsync("bench", "verify", quote, "--collateral", collateral, "--iterations", "2");

        Assert.True(named.ExitCode == 0, named.Output + named.Error);
        Assert.Matches(@"warm: \d+\.\d us/verification", named.Output);
        Assert.Equal(1, intel.ExitCode);
        Assert.Contains("UntrustedRoot", intel.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_simulation_root_that_is_not_a_certificate_is_a_usage_error()
    {
        string quote = Path.Combine(_scratch, "quote.bin");
        await File.WriteAllBytesAsync(quote, _platform.CreateQuote(new byte[IQuoteProvider.ReportDataLength]));
        (string collateral, _) = await WriteCollateralAndRootAsync();

        CliRun run = await CliRun.InvokeAsync("quote", "verify", quote, "--collateral", collateral, "--simulation-root", collateral);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--simulation-root collateral.json: The simulation root is not a PEM or DER X.509 certificate", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Facts_about_a_verified_server_never_turn_the_report_into_a_rejection()
    {
        // 'attest' reports freshnessVerified and simulation; a real (non-simulated) server, or one that offers no fresh
        // evidence when none is required, was printed as REJECTED while exiting 0 when they counted as checks.
        var verifier = new AttestationVerifier(AttestationPolicy.Strict.AllowUnpinnedIdentity(), TrustAnchor.InsecureNonIntelRoot(_platform.RootCertificate));
        SimulatedCollateral simulated = _platform.CreateCollateral();
        QuoteCollateral collateral = QuoteCollateral.FromDcapQvlJson(System.Text.Encoding.UTF8.GetBytes(simulated.ToDcapQvlJson()));
        QuoteVerificationResult result = verifier.Verify(Quote.Parse(_platform.CreateQuote(new byte[IQuoteProvider.ReportDataLength])), collateral);

        var report = new VerificationReport
        {
            Quote = result.Quote,
            Result = result,
            IdentityPinned = true,
            Checks = [new("bindingVerified", true)],
            Facts = [new("freshnessVerified", false), new("simulation", false)],
        };
        using var text = new StringWriter();
        report.WriteText(text);

        Assert.True(report.Verified);
        Assert.StartsWith("VERIFIED", text.ToString(), StringComparison.Ordinal);
        Assert.False((report with { Checks = [new("bindingVerified", false)] }).Verified);
    }

    private async Task<(string Collateral, string Root)> WriteCollateralAndRootAsync()
    {
        string collateral = Path.Combine(_scratch, "collateral.json");
        string root = Path.Combine(_scratch, "root.pem");
        await File.WriteAllTextAsync(collateral, _platform.CreateCollateral().ToDcapQvlJson());
        await File.WriteAllTextAsync(root, _platform.RootCertificate.ExportCertificatePem());
        return (collateral, root);
    }
}
