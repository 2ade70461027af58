using System.Security.Cryptography;
using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.Tests.Support;

namespace BlindAI.Enclave.Tests.Quoting;

public sealed class GramineQuoteProviderTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private void MimicGramineSgx(string type = "dcap", byte[]? quote = null)
    {
        File.WriteAllText(_root.Combine("attestation_type"), type);
        File.WriteAllBytes(_root.Combine("user_report_data"), new byte[64]);
        File.WriteAllBytes(_root.Combine("quote"), quote ?? [1, 2, 3, 4, 5]);
    }

    private GramineQuoteProvider Provider() => new(new GramineQuoteProviderOptions { AttestationRoot = _root.Path });

    [Fact]
    public async Task Writes_report_data_then_reads_the_whole_quote()
    {
        byte[] quoteBytes = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        MimicGramineSgx(quote: quoteBytes);
        byte[] reportData = Enumerable.Range(100, 64).Select(i => (byte)i).ToArray();

        using GramineQuoteProvider provider = Provider();
        byte[] quote = await provider.GetQuoteAsync(reportData, CancellationToken.None);

        Assert.Equal(quoteBytes, quote);
        Assert.Equal(reportData, File.ReadAllBytes(_root.Combine("user_report_data")));
        Assert.Equal(QuoteProviderKind.Gramine, provider.Kind);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(63)]
    [InlineData(65)]
    public async Task Rejects_report_data_that_is_not_64_bytes(int length)
    {
        MimicGramineSgx();
        using GramineQuoteProvider provider = Provider();
        var e = await Assert.ThrowsAsync<EvidenceException>(() => provider.GetQuoteAsync(new byte[length], CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.InvalidReportData, e.Reason);
    }

    [Fact]
    public async Task Fails_closed_under_gramine_direct_where_only_keys_exist()
    {
        Directory.CreateDirectory(_root.Combine("keys"));
        using GramineQuoteProvider provider = Provider();
        var e = await Assert.ThrowsAsync<EvidenceException>(() => provider.GetQuoteAsync(new byte[64], CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.PlatformUnavailable, e.Reason);
        Assert.False(File.Exists(_root.Combine("user_report_data")), "the provider must never create the pseudo-file");
    }

    [Theory]
    [InlineData("none")]
    [InlineData("epid")]
    [InlineData("")]
    public async Task Fails_closed_when_attestation_type_is_not_dcap(string type)
    {
        MimicGramineSgx(type);
        using GramineQuoteProvider provider = Provider();
        var e = await Assert.ThrowsAsync<EvidenceException>(() => provider.GetQuoteAsync(new byte[64], CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.AttestationDisabled, e.Reason);
    }

    [Fact]
    public async Task Accepts_attestation_type_with_trailing_newline()
    {
        MimicGramineSgx("dcap\n");
        using GramineQuoteProvider provider = Provider();
        Assert.NotEmpty(await provider.GetQuoteAsync(new byte[64], CancellationToken.None));
    }

    [Fact]
    public async Task Does_not_create_user_report_data_when_it_is_missing()
    {
        MimicGramineSgx();
        File.Delete(_root.Combine("user_report_data"));
        using GramineQuoteProvider provider = Provider();
        var e = await Assert.ThrowsAsync<EvidenceException>(() => provider.GetQuoteAsync(new byte[64], CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.PlatformUnavailable, e.Reason);
        Assert.False(File.Exists(_root.Combine("user_report_data")));
    }

    [Fact]
    public async Task Fails_when_quote_file_is_missing()
    {
        MimicGramineSgx();
        File.Delete(_root.Combine("quote"));
        using GramineQuoteProvider provider = Provider();
        var e = await Assert.ThrowsAsync<EvidenceException>(() => provider.GetQuoteAsync(new byte[64], CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.PlatformUnavailable, e.Reason);
    }

    [Fact]
    public async Task Fails_when_quote_is_empty()
    {
        MimicGramineSgx(quote: []);
        using GramineQuoteProvider provider = Provider();
        var e = await Assert.ThrowsAsync<EvidenceException>(() => provider.GetQuoteAsync(new byte[64], CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.InvalidQuote, e.Reason);
    }

    [Fact]
    public async Task Fails_when_quote_exceeds_the_size_limit()
    {
        MimicGramineSgx(quote: new byte[QuoteConstants.MaxQuoteLength + 1]);
        using GramineQuoteProvider provider = Provider();
        var e = await Assert.ThrowsAsync<EvidenceException>(() => provider.GetQuoteAsync(new byte[64], CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.InvalidQuote, e.Reason);
    }

    [Fact]
    public async Task Serialises_concurrent_requests_so_each_quote_carries_its_callers_report_data()
    {
        // Like Gramine, the quote is made when the file is opened, from whatever user_report_data holds then: a FIFO
        // stands in, served by a "quoting enclave" thread. Without the provider's lock, callers would get each other's quotes.
        const int callers = 12;
        MimicGramineSgx();
        File.Delete(_root.Combine("quote"));
        Fifo.Create(_root.Combine("quote"));
        Task quotingEnclave = Task.Factory.StartNew(
            () =>
            {
                for (int i = 0; i < callers; i++)
                {
                    byte[] served;
                    using (var quote = new FileStream(_root.Combine("quote"), FileMode.Open, FileAccess.Write))
                    {
                        served = File.ReadAllBytes(_root.Combine("user_report_data"));
                        Thread.Sleep(5);
                        quote.Write([.. "QUOTE"u8, .. served]);
                    }

                    // Reopening the FIFO while the last reader still has it open would feed that reader again; the
                    // next caller writes new report data only after the last one closed the quote (the provider's lock).
                    var deadline = DateTime.UtcNow.AddSeconds(30);
                    while (i < callers - 1 && File.ReadAllBytes(_root.Combine("user_report_data")).AsSpan().SequenceEqual(served) && DateTime.UtcNow < deadline)
                    {
                        Thread.Sleep(1);
                    }
                }
            },
            TaskCreationOptions.LongRunning);

        using GramineQuoteProvider provider = Provider();
        byte[][] reportData = Enumerable.Range(0, callers).Select(_ => RandomNumberGenerator.GetBytes(64)).ToArray();
        byte[][] quotes = await Task.WhenAll(reportData.Select(rd => Task.Run(() => provider.GetQuoteAsync(rd, CancellationToken.None))));
        await quotingEnclave.WaitAsync(TimeSpan.FromSeconds(30));

        for (int i = 0; i < callers; i++)
        {
            Assert.Equal([.. "QUOTE"u8, .. reportData[i]], quotes[i]);
        }
    }

    [Fact]
    public async Task Honours_cancellation_before_starting()
    {
        MimicGramineSgx();
        using GramineQuoteProvider provider = Provider();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => provider.GetQuoteAsync(new byte[64], cts.Token));
    }
}
