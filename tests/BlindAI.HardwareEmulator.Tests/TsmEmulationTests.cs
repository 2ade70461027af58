using BlindAI.Attestation;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Verification;
using BlindAI.Enclave.Quoting;
using BlindAI.HardwareEmulator.Tests.Support;

namespace BlindAI.HardwareEmulator.Tests;

/// <summary>
/// The emulated configfs-tsm (TDX guest) driven by the production <see cref="TsmQuoteProvider"/>, unchanged. Where the
/// emulator decides something the kernel decides, the test names the kernel code it follows
/// (drivers/virt/coco/guest/report.c, fs/configfs/file.c, drivers/virt/coco/tdx-guest/tdx-guest.c, and
/// Documentation/ABI/testing/configfs-tsm).
/// </summary>
public sealed class TsmEmulationTests : IDisposable
{
    private readonly EmulatorFolder _folder = new("tsm");

    public void Dispose() => _folder.Dispose();

    private static TsmQuoteProvider Provider(HardwareEmulator emulator) =>
        new(new TsmQuoteProviderOptions { ReportRoot = emulator.ProviderRoot });

    [Fact]
    public async Task The_production_provider_gets_a_TDX_v4_quote_over_its_report_data_that_verifies_with_collateral_from_the_PCS_look_alike()
    {
        await using HardwareEmulator emulator = await HardwareEmulator.StartTdxAsync(_folder.Mount, pcsPort: 0);
        byte[] reportData = Attester.ReportData(1);

        byte[] quoteBytes = await Provider(emulator).GetQuoteAsync(reportData, CancellationToken.None);

        QuoteVerificationResult result = await Attester.VerifyAsync(emulator, quoteBytes);
        Assert.Equal(TcbStatus.UpToDate, result.TcbStatus);
        Assert.Equal(4, result.Quote.Version);
        Assert.Equal(TeeType.Tdx, result.Quote.TeeType);
        Assert.Equal(reportData, result.Quote.ReportData.ToArray());
        Assert.Equal(emulator.MrTd.ToArray(), result.Quote.TdReport!.MrTd.ToArray());
        Assert.False(result.Quote.IsDebug);

        // The provider removed its entry: nothing is left in report/.
        Assert.Empty(Directory.EnumerateFileSystemEntries(emulator.ProviderRoot));
    }

    [Fact]
    public async Task Concurrent_requests_from_several_providers_each_get_their_own_entry_and_a_quote_over_their_own_report_data()
    {
        // configfs-tsm is safe for any number of users: each provider makes its own entry per request.
        await using HardwareEmulator emulator = await HardwareEmulator.StartTdxAsync(_folder.Mount);

        byte[][] quotes = await Task.WhenAll(Enumerable.Range(200, 12).Select(i => Provider(emulator).GetQuoteAsync(Attester.ReportData(i), CancellationToken.None)));

        for (int i = 0; i < quotes.Length; i++)
        {
            Assert.Equal(Attester.ReportData(200 + i), Quote.Parse(quotes[i]).ReportData.ToArray());
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(emulator.ProviderRoot));
    }

    [Fact]
    public async Task Mkdir_makes_an_entry_whose_attributes_exist_at_once_with_generation_0_and_provider_tdx_guest()
    {
        // configfs creates an item's attribute files inside mkdir(); tdx_guest shows inblob, outblob, generation and
        // provider only (tdx_report_attr_visible / tdx_report_bin_attr_visible). Values end with "\n" (sysfs_emit).
        await using HardwareEmulator emulator = await HardwareEmulator.StartTdxAsync(_folder.Mount);
        string entry = Path.Combine(emulator.ProviderRoot, "mine");

        Directory.CreateDirectory(entry);

        Assert.Equal("0\n", await File.ReadAllTextAsync(Path.Combine(entry, "generation")));
        Assert.Equal("tdx_guest\n", await File.ReadAllTextAsync(Path.Combine(entry, "provider")));
        Assert.Equal(["generation", "inblob", "outblob", "provider"], Directory.EnumerateFiles(entry).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(TsmQuoteProvider.IsPresent(emulator.ProviderRoot));
    }

    [Fact]
    public async Task Generation_counts_each_closed_write_of_inblob_and_outblob_follows_the_latest()
    {
        // report.c: each store of inblob advances write_generation; outblob is regenerated when it lags.
        await using HardwareEmulator emulator = await HardwareEmulator.StartTdxAsync(_folder.Mount);
        string entry = Directory.CreateDirectory(Path.Combine(emulator.ProviderRoot, "mine")).FullName;

        WriteInblob(entry, Attester.ReportData(60));
        Assert.Equal("1\n", await File.ReadAllTextAsync(Path.Combine(entry, "generation")));
        Assert.Equal(Attester.ReportData(60), Quote.Parse(await File.ReadAllBytesAsync(Path.Combine(entry, "outblob"))).ReportData.ToArray());

        WriteInblob(entry, Attester.ReportData(61));
        Assert.Equal("2\n", await File.ReadAllTextAsync(Path.Combine(entry, "generation")));
        Assert.Equal(Attester.ReportData(61), Quote.Parse(await File.ReadAllBytesAsync(Path.Combine(entry, "outblob"))).ReportData.ToArray());
    }

    [Fact]
    public async Task Outblob_without_inblob_and_with_a_short_inblob_is_EINVAL()
    {
        // report.c: no inblob -> -EINVAL; tdx_report_new: inblob_len != 64 -> -EINVAL.
        await using HardwareEmulator emulator = await HardwareEmulator.StartTdxAsync(_folder.Mount);
        string entry = Directory.CreateDirectory(Path.Combine(emulator.ProviderRoot, "mine")).FullName;

        var none = await Assert.ThrowsAsync<IOException>(() => File.ReadAllBytesAsync(Path.Combine(entry, "outblob")));
        WriteInblob(entry, new byte[32]);
        var shortBlob = await Assert.ThrowsAsync<IOException>(() => File.ReadAllBytesAsync(Path.Combine(entry, "outblob")));

        Assert.Equal(22, none.HResult & 0xFFFF);
        Assert.Equal(22, shortBlob.HResult & 0xFFFF);
    }

    [Fact]
    public async Task More_than_64_bytes_of_inblob_is_EFBIG_and_inblob_cannot_be_read()
    {
        // configfs_bin_write_iter: beyond cb_max_size (TSM_REPORT_INBLOB_MAX = 64) -> -EFBIG; inblob is mode 0200.
        await using HardwareEmulator emulator = await HardwareEmulator.StartTdxAsync(_folder.Mount);
        string entry = Directory.CreateDirectory(Path.Combine(emulator.ProviderRoot, "mine")).FullName;

        // .NET reports EFBIG from write() as "file length too large".
        Assert.Throws<ArgumentOutOfRangeException>(() => WriteInblob(entry, new byte[65]));

        Assert.Equal("0\n", await File.ReadAllTextAsync(Path.Combine(entry, "generation")));
        Assert.Throws<UnauthorizedAccessException>(() => File.ReadAllBytes(Path.Combine(entry, "inblob")));
    }

    [Fact]
    public async Task Rmdir_removes_an_entry_with_its_attributes_and_report_itself_stays()
    {
        await using HardwareEmulator emulator = await HardwareEmulator.StartTdxAsync(_folder.Mount);
        string entry = Directory.CreateDirectory(Path.Combine(emulator.ProviderRoot, "mine")).FullName;
        WriteInblob(entry, Attester.ReportData(70));

        Directory.Delete(entry, recursive: false);

        Assert.False(Directory.Exists(entry));
        Assert.Empty(Directory.EnumerateFileSystemEntries(emulator.ProviderRoot));
        // configfs: the report group itself cannot be removed (EPERM, which .NET reports as access denied).
        var e = Assert.Throws<IOException>(() => Directory.Delete(emulator.ProviderRoot, recursive: false));
        Assert.Contains("denied", e.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(emulator.ProviderRoot));
    }

    [Fact]
    public async Task Disposing_unmounts_and_leaves_an_empty_plain_folder()
    {
        HardwareEmulator emulator = await HardwareEmulator.StartTdxAsync(_folder.Mount, pcsPort: 0);
        Directory.CreateDirectory(Path.Combine(emulator.ProviderRoot, "left-open"));

        await emulator.DisposeAsync();

        Assert.Empty(GramineEmulationTests.MountTypes(_folder.Mount));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder.Mount));
    }

    /// <summary>One open, one write, one close: what configfs stores as one inblob.</summary>
    private static void WriteInblob(string entry, byte[] data)
    {
        using var stream = new FileStream(Path.Combine(entry, "inblob"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        stream.Write(data);
    }
}
