using BlindAI.Attestation;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Verification;
using BlindAI.Enclave;
using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.Sealing;
using BlindAI.HardwareEmulator.Tests.Support;

namespace BlindAI.HardwareEmulator.Tests;

/// <summary>
/// The emulated Gramine <c>/dev/attestation</c> driven by the production <see cref="GramineQuoteProvider"/> and
/// <see cref="GramineSealingKeyProvider"/>, unchanged, and its quotes verified as a client verifies them. Where the
/// emulator decides something Gramine decides, the test says which Gramine code it follows (Gramine 1.9,
/// libos/src/fs/dev/attestation.c and libos/src/fs/libos_fs_pseudo.c).
/// </summary>
public sealed class GramineEmulationTests : IDisposable
{
    private readonly EmulatorFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private GramineQuoteProvider Provider(HardwareEmulator emulator) =>
        new(new GramineQuoteProviderOptions { AttestationRoot = emulator.ProviderRoot });

    [Fact]
    public async Task The_production_provider_gets_a_quote_over_its_report_data_that_verifies_against_the_simulation_root_with_collateral_from_the_PCS_look_alike()
    {
        await using HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount, pcsPort: 0);
        using GramineQuoteProvider provider = Provider(emulator);
        byte[] reportData = Attester.ReportData(1);

        byte[] quoteBytes = await provider.GetQuoteAsync(reportData, CancellationToken.None);

        QuoteVerificationResult result = await Attester.VerifyAsync(emulator, quoteBytes);
        Assert.Equal(TcbStatus.UpToDate, result.TcbStatus);
        Quote quote = result.Quote;
        Assert.Equal(3, quote.Version);
        Assert.Equal(TeeType.Sgx, quote.TeeType);
        Assert.Equal(reportData, quote.ReportData.ToArray());
        Assert.Equal(emulator.MrEnclave.ToArray(), quote.SgxReport!.MrEnclave.ToArray());
        Assert.Equal(emulator.MrSigner.ToArray(), quote.SgxReport.MrSigner.ToArray());
        Assert.False(quote.IsDebug);
    }

    [Fact]
    public async Task The_same_quote_is_refused_without_the_simulation_root_as_trust_anchor()
    {
        await using HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount, pcsPort: 0);
        using GramineQuoteProvider provider = Provider(emulator);
        Quote quote = Quote.Parse(await provider.GetQuoteAsync(Attester.ReportData(2), CancellationToken.None));
        BlindAI.Attestation.Collateral.QuoteCollateral collateral = await Attester.FetchCollateralAsync(emulator, quote);

        // The default verifier trusts Intel's root only.
        var e = Assert.Throws<AttestationException>(() => new DcapQuoteVerifier().Verify(quote, collateral));
        Assert.Equal(AttestationFailureReason.UntrustedRoot, e.Reason);
    }

    [Fact]
    public async Task Every_quote_carries_the_same_enclave_identity_and_its_own_report_data()
    {
        await using HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount);
        using GramineQuoteProvider provider = Provider(emulator);

        Quote first = Quote.Parse(await provider.GetQuoteAsync(Attester.ReportData(10), CancellationToken.None));
        Quote second = Quote.Parse(await provider.GetQuoteAsync(Attester.ReportData(11), CancellationToken.None));

        Assert.Equal(first.SgxReport!.MrEnclave, second.SgxReport!.MrEnclave);
        Assert.Equal(first.SgxReport.MrSigner, second.SgxReport.MrSigner);
        Assert.Equal(Attester.ReportData(10), first.ReportData.ToArray());
        Assert.Equal(Attester.ReportData(11), second.ReportData.ToArray());
    }

    [Fact]
    public async Task Concurrent_requests_through_one_provider_each_get_a_quote_over_their_own_report_data()
    {
        await using HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount);
        using GramineQuoteProvider provider = Provider(emulator);

        byte[][] quotes = await Task.WhenAll(Enumerable.Range(100, 12).Select(i => provider.GetQuoteAsync(Attester.ReportData(i), CancellationToken.None)));

        for (int i = 0; i < quotes.Length; i++)
        {
            Assert.Equal(Attester.ReportData(100 + i), Quote.Parse(quotes[i]).ReportData.ToArray());
        }
    }

    [Fact]
    public async Task Report_data_is_per_process_as_in_Gramine_a_process_that_never_wrote_gets_zeros()
    {
        // Gramine keeps user_report_data in the LibOS of each process (g_user_report_data, zero-initialised): another
        // enclave process never sees ours. Here `cat` is another process opening the quote after we wrote.
        await using HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount);
        await File.WriteAllBytesAsync(Path.Combine(emulator.ProviderRoot, "user_report_data"), Attester.ReportData(20));

        string copy = Path.Combine(_folder.Parent, "quote-from-cat");
        using var cat = System.Diagnostics.Process.Start("sh", ["-c", $"cat '{Path.Combine(emulator.ProviderRoot, "quote")}' > '{copy}'"]);
        await cat.WaitForExitAsync();

        Assert.Equal(0, cat.ExitCode);
        Assert.Equal(new byte[64], Quote.Parse(await File.ReadAllBytesAsync(copy)).ReportData.ToArray());
        Assert.Equal(Attester.ReportData(20), Quote.Parse(await File.ReadAllBytesAsync(Path.Combine(emulator.ProviderRoot, "quote"))).ReportData.ToArray());
    }

    [Fact]
    public async Task The_quote_is_made_when_the_file_is_opened_and_that_descriptor_keeps_it()
    {
        // Gramine's quote_load runs at open (pseudo_open fills the handle's buffer); reads only copy from it.
        await using HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount);
        string reportDataFile = Path.Combine(emulator.ProviderRoot, "user_report_data");
        await File.WriteAllBytesAsync(reportDataFile, Attester.ReportData(21));

        using var opened = new FileStream(Path.Combine(emulator.ProviderRoot, "quote"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        await File.WriteAllBytesAsync(reportDataFile, Attester.ReportData(22));
        using var quote = new MemoryStream();
        await opened.CopyToAsync(quote);

        Assert.Equal(Attester.ReportData(21), Quote.Parse(quote.ToArray()).ReportData.ToArray());
        Assert.Equal(Attester.ReportData(22), Quote.Parse(await File.ReadAllBytesAsync(Path.Combine(emulator.ProviderRoot, "quote"))).ReportData.ToArray());
    }

    [Theory]
    [InlineData(32)]
    [InlineData(100)]
    public async Task A_raw_write_of_another_length_is_zero_padded_or_cut_to_64_bytes_as_Gramine_does(int length)
    {
        // Gramine's update_buffer(): a shorter write is copied and zero-padded, a longer one cut at 64 bytes. Gramine
        // does not refuse other lengths; the production provider refuses them itself before writing (next test).
        await using HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount);
        byte[] written = Enumerable.Range(1, length).Select(i => (byte)i).ToArray();
        byte[] expected = new byte[64];
        written.AsSpan(0, Math.Min(length, 64)).CopyTo(expected);

        using (var stream = new FileStream(Path.Combine(emulator.ProviderRoot, "user_report_data"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0))
        {
            stream.Write(written);
        }

        byte[] quote = await File.ReadAllBytesAsync(Path.Combine(emulator.ProviderRoot, "quote"));
        Assert.Equal(expected, Quote.Parse(quote).ReportData.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(63)]
    [InlineData(65)]
    public async Task Report_data_of_another_length_is_the_providers_typed_error_and_nothing_is_quoted(int length)
    {
        await using HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount);
        using GramineQuoteProvider provider = Provider(emulator);
        await provider.GetQuoteAsync(Attester.ReportData(30), CancellationToken.None);

        var e = await Assert.ThrowsAsync<EvidenceException>(() => provider.GetQuoteAsync(new byte[length], CancellationToken.None));

        Assert.Equal(EnclaveErrorReason.InvalidReportData, e.Reason);

        // The refused call wrote nothing: this process's report data is still the last good one.
        byte[] quote = await File.ReadAllBytesAsync(Path.Combine(emulator.ProviderRoot, "quote"));
        Assert.Equal(Attester.ReportData(30), Quote.Parse(quote).ReportData.ToArray());
    }

    [Fact]
    public async Task The_files_are_those_of_dev_attestation_with_dcap_and_the_read_only_ones_refuse_writes()
    {
        await using HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount);
        string root = emulator.ProviderRoot;

        Assert.Equal("dcap", await File.ReadAllTextAsync(Path.Combine(root, "attestation_type")));
        Assert.True(GramineQuoteProvider.IsPresent(root));
        Assert.Equal(
            ["attestation_type", "keys", "quote", "simulation-root.pem", "user_report_data"],
            Directory.EnumerateFileSystemEntries(root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["_sgx_mrenclave", "_sgx_mrsigner"], Directory.EnumerateFiles(Path.Combine(root, "keys")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        foreach (string readOnly in new[] { "quote", "attestation_type", "keys/_sgx_mrenclave", "simulation-root.pem" })
        {
            Assert.Throws<UnauthorizedAccessException>(() => new FileStream(Path.Combine(root, readOnly), FileMode.Open, FileAccess.Write).Dispose());
        }

        // No file can be made in a pseudo-file system.
        Assert.Throws<UnauthorizedAccessException>(() => File.WriteAllText(Path.Combine(root, "planted"), "x"));
    }

    [Fact]
    public async Task Sealing_keys_are_16_bytes_distinct_and_the_same_after_the_emulator_restarts()
    {
        byte[] mrEnclaveKey;
        byte[] mrSignerKey;
        await using (HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount))
        {
            mrEnclaveKey = await SealingKey(emulator, SealingKeyKind.MrEnclave);
            mrSignerKey = await SealingKey(emulator, SealingKeyKind.MrSigner);
        }

        Assert.Equal(16, mrEnclaveKey.Length);
        Assert.Equal(16, mrSignerKey.Length);
        Assert.NotEqual(mrEnclaveKey, mrSignerKey);

        await using (HardwareEmulator restarted = await HardwareEmulator.StartGramineAsync(_folder.Mount))
        {
            Assert.Equal(mrEnclaveKey, await SealingKey(restarted, SealingKeyKind.MrEnclave));
            Assert.Equal(mrSignerKey, await SealingKey(restarted, SealingKeyKind.MrSigner));
        }
    }

    [Fact]
    public async Task Another_build_gets_another_MRENCLAVE_key_and_the_same_MRSIGNER_key_as_EGETKEY_gives()
    {
        byte[] mrEnclaveKey;
        byte[] mrSignerKey;
        await using (HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount))
        {
            mrEnclaveKey = await SealingKey(emulator, SealingKeyKind.MrEnclave);
            mrSignerKey = await SealingKey(emulator, SealingKeyKind.MrSigner);
        }

        byte[] otherBuild = System.Security.Cryptography.SHA256.HashData("another build"u8);
        await using HardwareEmulator rebuilt = await HardwareEmulator.StartAsync(
            EmulatedTee.GramineSgx,
            new HardwareEmulatorOptions { Directory = _folder.Mount, MrEnclave = otherBuild });

        Assert.Equal(otherBuild, rebuilt.MrEnclave.ToArray());
        Assert.NotEqual(mrEnclaveKey, await SealingKey(rebuilt, SealingKeyKind.MrEnclave));
        Assert.Equal(mrSignerKey, await SealingKey(rebuilt, SealingKeyKind.MrSigner));
        using GramineQuoteProvider provider = Provider(rebuilt);
        Assert.Equal(otherBuild, Quote.Parse(await provider.GetQuoteAsync(Attester.ReportData(40), CancellationToken.None)).SgxReport!.MrEnclave.ToArray());
    }

    [Fact]
    public async Task The_simulation_root_and_the_enclave_identity_survive_a_restart_on_the_same_state()
    {
        string root;
        ReadOnlyMemory<byte> mrEnclave;
        await using (HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount))
        {
            root = await File.ReadAllTextAsync(emulator.SimulationRootPath);
            mrEnclave = emulator.MrEnclave;
        }

        await using HardwareEmulator restarted = await HardwareEmulator.StartGramineAsync(_folder.Mount, pcsPort: 0);
        Assert.Equal(root, await File.ReadAllTextAsync(restarted.SimulationRootPath));
        using GramineQuoteProvider provider = Provider(restarted);
        QuoteVerificationResult result = await Attester.VerifyAsync(restarted, await provider.GetQuoteAsync(Attester.ReportData(50), CancellationToken.None));
        Assert.Equal(mrEnclave.ToArray(), result.Quote.SgxReport!.MrEnclave.ToArray());
    }

    [Fact]
    public async Task Disposing_unmounts_and_leaves_an_empty_plain_folder()
    {
        HardwareEmulator emulator = await HardwareEmulator.StartGramineAsync(_folder.Mount, pcsPort: 0);
        Assert.Contains("fuse.blindai-emulator", MountTypes(_folder.Mount));

        await emulator.DisposeAsync();

        Assert.Empty(MountTypes(_folder.Mount));
        Assert.True(Directory.Exists(_folder.Mount));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder.Mount));
        Assert.False(GramineQuoteProvider.IsPresent(_folder.Mount));
    }

    [Fact]
    public async Task A_folder_that_is_not_empty_is_refused_rather_than_hidden_under_the_mount()
    {
        Directory.CreateDirectory(_folder.Mount);
        await File.WriteAllTextAsync(Path.Combine(_folder.Mount, "someone's file"), "x");

        await Assert.ThrowsAsync<IOException>(() => HardwareEmulator.StartGramineAsync(_folder.Mount));

        Assert.Empty(MountTypes(_folder.Mount));
        Assert.True(File.Exists(Path.Combine(_folder.Mount, "someone's file")));
    }

    private static async Task<byte[]> SealingKey(HardwareEmulator emulator, SealingKeyKind kind) =>
        await new GramineSealingKeyProvider(new GramineSealingKeyProviderOptions { AttestationRoot = emulator.ProviderRoot, Kind = kind }).GetKeyAsync(CancellationToken.None);

    internal static IReadOnlyList<string> MountTypes(string folder) =>
        File.ReadLines("/proc/self/mountinfo")
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 4 && fields[4] == folder)
            .Select(fields => fields[Array.IndexOf(fields, "-") + 1])
            .ToList();
}
