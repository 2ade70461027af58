using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.Tests.Support;

namespace BlindAI.Enclave.Tests.Quoting;

public sealed class TsmQuoteProviderTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private TsmQuoteProvider Provider(FakeTsmKernel? kernel) =>
        new(new TsmQuoteProviderOptions { ReportRoot = _root.Path }, logger: null, hooks: kernel);

    [Fact]
    public async Task Writes_inblob_reads_outblob_and_removes_the_entry()
    {
        var kernel = new FakeTsmKernel();
        byte[] reportData = Enumerable.Range(0, 64).Select(i => (byte)(i * 3)).ToArray();

        byte[] quote = await Provider(kernel).GetQuoteAsync(reportData, CancellationToken.None);
        await kernel.WritersCompleted();

        Assert.Equal(FakeTsmKernel.QuoteFor(reportData), quote);
        string entry = Assert.Single(kernel.Created);
        Assert.StartsWith(_root.Path, entry, StringComparison.Ordinal);
        Assert.Equal(kernel.Created, kernel.Removed);
        Assert.Empty(Directory.GetFileSystemEntries(_root.Path));
    }

    [Fact]
    public async Task Each_request_uses_its_own_entry()
    {
        var kernel = new FakeTsmKernel();
        TsmQuoteProvider provider = Provider(kernel);
        await provider.GetQuoteAsync(new byte[64], CancellationToken.None);
        await provider.GetQuoteAsync(new byte[64], CancellationToken.None);
        await kernel.WritersCompleted();
        Assert.Equal(2, kernel.Created.Distinct().Count());
    }

    [Fact]
    public async Task Detects_a_concurrent_writer_through_generation()
    {
        var kernel = new FakeTsmKernel { ConcurrentWrites = 1 };
        var e = await Assert.ThrowsAsync<EvidenceException>(() => Provider(kernel).GetQuoteAsync(new byte[64], CancellationToken.None));
        await kernel.WritersCompleted();
        Assert.Equal(EnclaveErrorReason.ConcurrentWriter, e.Reason);
        Assert.Empty(Directory.GetFileSystemEntries(_root.Path));
    }

    [Fact]
    public async Task Fails_closed_when_configfs_tsm_is_absent()
    {
        var provider = new TsmQuoteProvider(new TsmQuoteProviderOptions { ReportRoot = _root.Combine("no-such-dir") });
        var e = await Assert.ThrowsAsync<EvidenceException>(() => provider.GetQuoteAsync(new byte[64], CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.PlatformUnavailable, e.Reason);
    }

    [Fact]
    public async Task Fails_closed_and_cleans_up_when_the_entry_has_no_attribute_files()
    {
        // A plain folder: mkdir creates nothing inside, as on a kernel without a TSM provider.
        var provider = new TsmQuoteProvider(new TsmQuoteProviderOptions { ReportRoot = _root.Path });
        var e = await Assert.ThrowsAsync<EvidenceException>(() => provider.GetQuoteAsync(new byte[64], CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.PlatformUnavailable, e.Reason);
        Assert.Empty(Directory.GetFileSystemEntries(_root.Path));
    }

    [Fact]
    public async Task Rejects_report_data_that_is_not_64_bytes()
    {
        var e = await Assert.ThrowsAsync<EvidenceException>(() => Provider(new FakeTsmKernel()).GetQuoteAsync(new byte[48], CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.InvalidReportData, e.Reason);
    }
}
