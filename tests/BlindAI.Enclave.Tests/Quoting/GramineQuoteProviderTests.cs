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
        Assert.Equal(EvidenceErrorReason.InvalidReportData, e.Reason);
    }

    [Fact]
    public async Task Fails_closed_under_gramine_direct_where_only_keys_exist()
    {
        Directory.CreateDirectory(_root.Combine("keys"));
        using GramineQuoteProvider provider = Provider();
        var e = await Assert.ThrowsAsync<EvidenceException>(() => provider.GetQuoteAsync(new byte[64], CancellationToken.None));
        Assert.Equal(EvidenceErrorReason.PlatformUnavailable, e.Reason);
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
        Assert.Equal(EvidenceErrorReason.AttestationDisabled, e.Reason);
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
        Assert.Equal(EvidenceErrorReason.PlatformUnavailable, e.Reason);
        Assert.False(File.Exists(_root.Combine("user_report_data")));
    }

    [Fact]
    public async Task Fails_when_quote_file_is_missing()
    {
        MimicGramineSgx();
        File.Delete(_root.Combine("quote"));
        using GramineQuoteProvider provider = Provider();
        var e = await Assert.ThrowsAsync<EvidenceException>(() => provider.GetQuoteAsync(new byte[64], CancellationToken.None));
        Assert.Equal(EvidenceErrorReason.PlatformUnavailable, e.Reason);
    }

    [Fact]
    public async Task Fails_when_quote_is_empty()
    {
        MimicGramineSgx(quote: []);
        using GramineQuoteProvider provider = Provider();
        var e = await Assert.ThrowsAsync<EvidenceException>(() => provider.GetQuoteAsync(new byte[64], CancellationToken.None));
        Assert.Equal(EvidenceErrorReason.InvalidQuote, e.Reason);
    }

    [Fact]
    public async Task Fails_when_quote_exceeds_the_size_limit()
    {
        MimicGramineSgx(quote: new byte[QuoteConstants.MaxQuoteLength + 1]);
        using GramineQuoteProvider provider = Provider();
        var e = await Assert.ThrowsAsync<EvidenceException>(() => provider.GetQuoteAsync(new byte[64], CancellationToken.None));
        Assert.Equal(EvidenceErrorReason.InvalidQuote, e.Reason);
    }

    [Fact]
    public async Task Serialises_concurrent_requests_so_each_sees_its_own_report_data_written_whole()
    {
        MimicGramineSgx();
        using GramineQuoteProvider provider = Provider();
        Task[] tasks = Enumerable.Range(0, 16).Select(i => (Task)provider.GetQuoteAsync(Enumerable.Repeat((byte)i, 64).ToArray(), CancellationToken.None)).ToArray();
        await Task.WhenAll(tasks);
        byte[] last = File.ReadAllBytes(_root.Combine("user_report_data"));
        Assert.Equal(64, last.Length);
        Assert.All(last, b => Assert.Equal(last[0], b));
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
