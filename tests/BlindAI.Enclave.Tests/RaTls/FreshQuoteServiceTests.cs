using System.Security.Cryptography;
using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.RaTls;
using BlindAI.Enclave.Tests.Support;

namespace BlindAI.Enclave.Tests.RaTls;

public sealed class FreshQuoteServiceTests
{
    [Fact]
    public async Task Report_data_is_sha256_of_the_certificate_spki_followed_by_the_nonce()
    {
        var provider = new RecordingQuoteProvider();
        using RaTlsCertificate cert = await new RaTlsCertificateBuilder(provider).BuildAsync(new RaTlsCertificateOptions(), CancellationToken.None);
        byte[] nonce = RandomNumberGenerator.GetBytes(32);

        byte[] quote = await new FreshQuoteService(provider).GetFreshQuoteAsync(cert.Certificate, nonce, CancellationToken.None);

        byte[] reportData = quote.AsSpan(RecordingQuoteProvider.ReportDataOffset, 64).ToArray();
        Assert.Equal(cert.PublicKeySha256.ToArray(), reportData[..32]);
        Assert.Equal(nonce, reportData[32..]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public async Task Refuses_a_nonce_that_is_not_32_bytes(int length)
    {
        var provider = new RecordingQuoteProvider();
        using RaTlsCertificate cert = await new RaTlsCertificateBuilder(provider).BuildAsync(new RaTlsCertificateOptions(), CancellationToken.None);
        var e = await Assert.ThrowsAsync<EvidenceException>(() => new FreshQuoteService(provider).GetFreshQuoteAsync(cert.Certificate, new byte[length], CancellationToken.None));
        Assert.Equal(EnclaveErrorReason.InvalidReportData, e.Reason);
        Assert.Equal(2, provider.Requests.Count);
    }
}
