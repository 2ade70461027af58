using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation;
using BlindAI.Attestation.Quotes;
using BlindAI.Enclave;
using BlindAI.Enclave.Quoting;
using BlindAI.HardwareEmulator.Tests.Support;

namespace BlindAI.HardwareEmulator.Tests;

/// <summary>
/// The emulator as CI runs it: a program that prints "ready", serves other processes (each a production quote
/// provider in its own process, as hosts are), logs PCS requests, and unmounts on SIGTERM.
/// </summary>
public sealed class EmulatorProgramTests : IDisposable
{
    private const int SigInt = 2;
    private const int SigTerm = 15;
    private const int SigKill = 9;

    private readonly EmulatorFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Gramine_program_serves_several_processes_each_a_quote_over_its_own_report_data_logs_PCS_requests_and_exits_0_unmounted_on_SIGTERM()
    {
        using EmulatorProgram program = EmulatorProgram.Start("gramine", "--dir", _folder.Mount, "--pcs-port", "0");
        IReadOnlyDictionary<string, string> ready = await program.ReadyAsync();
        Assert.Equal(_folder.Mount, ready["provider-root"]);
        Assert.Equal(Path.Combine(_folder.Mount, "simulation-root.pem"), ready["simulation-root"]);
        Assert.Equal(Path.Combine(_folder.Mount, "pcs-ca.pem"), ready["pcs-ca"]);
        Assert.Equal(_folder.State, ready["state"]);

        // Gramine keeps report data per process: concurrent processes must not see each other's.
        var probes = Enumerable.Range(300, 4).Select(i => EmulatorProgram.RunToEndAsync("probe", "gramine", "--root", _folder.Mount, "--report-data", Convert.ToHexString(Attester.ReportData(i)))).ToList();
        (int ExitCode, string Stdout, string Stderr)[] results = await Task.WhenAll(probes);
        for (int i = 0; i < results.Length; i++)
        {
            Assert.True(results[i].ExitCode == 0, results[i].Stderr);
            Quote quote = Quote.Parse(Convert.FromHexString(results[i].Stdout.Trim()));
            Assert.Equal(Attester.ReportData(300 + i), quote.ReportData.ToArray());
            Assert.Equal(ready["mrenclave"], quote.SgxReport!.MrEnclave.ToString());
        }

        using (X509Certificate2 pcsCa = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(ready["pcs-ca"])))
        using (var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions =
            {
                CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck, CustomTrustStore = { pcsCa } },
            },
        }))
        {
            using HttpResponseMessage response = await http.GetAsync(new Uri(new Uri(ready["pcs"]), "sgx/certification/v4/tcb?fmspc=000000000000"));
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.Equal(0, await program.SignalAndWaitAsync(SigTerm));
        Assert.Contains("PCS GET /sgx/certification/v4/tcb?fmspc=000000000000 404", program.Output, StringComparison.Ordinal);
        Assert.Contains("stopped", program.Output, StringComparison.Ordinal);
        Assert.Empty(GramineEmulationTests.MountTypes(_folder.Mount));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder.Mount));
    }

    [Fact]
    public async Task Tdx_program_serves_several_processes_each_a_quote_over_its_own_report_data_and_exits_0_unmounted_on_SIGINT()
    {
        using EmulatorProgram program = EmulatorProgram.Start("tdx", "--dir", _folder.Mount);
        IReadOnlyDictionary<string, string> ready = await program.ReadyAsync();
        Assert.Equal(Path.Combine(_folder.Mount, "report"), ready["provider-root"]);

        (int ExitCode, string Stdout, string Stderr)[] results = await Task.WhenAll(Enumerable.Range(400, 4).Select(i =>
            EmulatorProgram.RunToEndAsync("probe", "tdx", "--root", ready["provider-root"], "--report-data", Convert.ToHexString(Attester.ReportData(i)))));

        for (int i = 0; i < results.Length; i++)
        {
            Assert.True(results[i].ExitCode == 0, results[i].Stderr);
            Quote quote = Quote.Parse(Convert.FromHexString(results[i].Stdout.Trim()));
            Assert.Equal(Attester.ReportData(400 + i), quote.ReportData.ToArray());
            Assert.Equal(ready["mrtd"], quote.TdReport!.MrTd.ToString());
        }

        Assert.Equal(0, await program.SignalAndWaitAsync(SigInt));
        Assert.Empty(GramineEmulationTests.MountTypes(_folder.Mount));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder.Mount));
    }

    [Fact]
    public async Task A_mount_left_by_a_killed_emulator_is_removed_by_the_next_start_on_the_same_folder()
    {
        using (EmulatorProgram crashed = EmulatorProgram.Start("gramine", "--dir", _folder.Mount))
        {
            await crashed.ReadyAsync();
            await crashed.SignalAndWaitAsync(SigKill);
        }

        // The dead server's mount is still there; every access to it fails (ENOTCONN).
        Assert.Equal(["fuse.blindai-emulator"], GramineEmulationTests.MountTypes(_folder.Mount));

        await using HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount);
        Assert.Equal(["fuse.blindai-emulator"], GramineEmulationTests.MountTypes(_folder.Mount));
        using var provider = new GramineQuoteProvider(new GramineQuoteProviderOptions { AttestationRoot = emulator.ProviderRoot });
        Assert.Equal(Attester.ReportData(500), Quote.Parse(await provider.GetQuoteAsync(Attester.ReportData(500), CancellationToken.None)).ReportData.ToArray());
    }

    [Fact]
    public async Task A_second_emulator_on_a_folder_a_running_one_serves_is_refused_and_the_first_keeps_serving()
    {
        await using HardwareEmulator first = await HardwareEmulator.StartGramineAsync(_folder.Mount);

        var e = await Assert.ThrowsAsync<IOException>(() => HardwareEmulator.StartGramineAsync(_folder.Mount));

        Assert.Contains("running emulator", e.Message, StringComparison.Ordinal);
        using var provider = new GramineQuoteProvider(new GramineQuoteProviderOptions { AttestationRoot = first.ProviderRoot });
        Assert.Equal(Attester.ReportData(510), Quote.Parse(await provider.GetQuoteAsync(Attester.ReportData(510), CancellationToken.None)).ReportData.ToArray());
    }

    [Fact]
    public async Task Another_file_system_mounted_on_the_folder_is_never_unmounted()
    {
        Directory.CreateDirectory(_folder.Mount);
        (int mounted, _, string error) = await Shell($"mount -t tmpfs blindai-test-tmpfs '{_folder.Mount}'");
        Assert.True(mounted == 0, error);
        try
        {
            var e = await Assert.ThrowsAsync<IOException>(() => HardwareEmulator.StartGramineAsync(_folder.Mount));
            Assert.Contains("tmpfs", e.Message, StringComparison.Ordinal);
            Assert.Equal(["tmpfs"], GramineEmulationTests.MountTypes(_folder.Mount));
        }
        finally
        {
            await Shell($"umount '{_folder.Mount}'");
        }
    }

    [Theory]
    [InlineData("gramine")]
    [InlineData("gramine", "--pcs-port", "70000", "--dir", "/tmp/x")]
    [InlineData("tdx", "--dir")]
    [InlineData("sgx", "--dir", "/tmp/x")]
    [InlineData("gramine", "--dir", "/tmp/x", "--mrenclave", "not-hex")]
    public async Task A_command_line_it_does_not_understand_exits_2_with_the_usage(params string[] arguments)
    {
        (int exitCode, _, string stderr) = await EmulatorProgram.RunToEndAsync(arguments);

        Assert.Equal(2, exitCode);
        Assert.Contains("usage:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_probe_against_a_folder_without_Gramine_reports_the_providers_typed_error()
    {
        Directory.CreateDirectory(_folder.Mount);

        (int exitCode, _, string stderr) = await EmulatorProgram.RunToEndAsync("probe", "gramine", "--root", _folder.Mount, "--report-data", Convert.ToHexString(new byte[64]));

        Assert.Equal(1, exitCode);
        Assert.Contains($"error {EnclaveErrorReason.PlatformUnavailable}", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> Shell(string command)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", ["-c", command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        string stdout = await process.StandardOutput.ReadToEndAsync();
        string stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, stdout, stderr);
    }
}
