using System.Security.Cryptography;
using BlindAI.Enclave.DependencyInjection;
using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.RaTls;
using BlindAI.Enclave.Sealing;
using BlindAI.Enclave.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlindAI.Enclave.Tests.DependencyInjection;

public sealed class LoggingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Logs_describe_operations_but_never_carry_report_data_nonces_quotes_or_keys()
    {
        byte[] sealingKey = RandomNumberGenerator.GetBytes(16);
        byte[] quoteBytes = RandomNumberGenerator.GetBytes(4600);
        Directory.CreateDirectory(_dir.Combine("keys"));
        File.WriteAllText(_dir.Combine("attestation_type"), "dcap");
        File.WriteAllBytes(_dir.Combine("user_report_data"), new byte[64]);
        File.WriteAllBytes(_dir.Combine("quote"), quoteBytes);
        File.WriteAllBytes(_dir.Combine("keys", "_sgx_mrenclave"), sealingKey);

        var logs = new CollectingLoggerProvider();
        await using ServiceProvider services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace))
            .AddBlindAIEnclave(o => o.GramineAttestationRoot = _dir.Path)
            .BuildServiceProvider();

        var provider = services.GetRequiredService<IQuoteProvider>();
        byte[] reportData = RandomNumberGenerator.GetBytes(64);
        await provider.GetQuoteAsync(reportData, CancellationToken.None);
        byte[] nonce = RandomNumberGenerator.GetBytes(32);
        using RaTlsCertificate cert = await services.GetRequiredService<RaTlsCertificateBuilder>().BuildAsync(new RaTlsCertificateOptions(), CancellationToken.None);
        await services.GetRequiredService<FreshQuoteService>().GetFreshQuoteAsync(cert.Certificate, nonce, CancellationToken.None);
        var protector = services.GetRequiredService<SealedBlobProtector>();
        byte[] blob = await protector.SealAsync("secret model"u8.ToArray(), "id"u8.ToArray(), CancellationToken.None);
        blob[^1] ^= 1;
        await Assert.ThrowsAsync<SealingException>(() => protector.UnsealAsync(blob, "id"u8.ToArray(), CancellationToken.None));

        string all = string.Join("\n", logs.Entries);
        Assert.Contains("Quote from Gramine", all, StringComparison.Ordinal);
        Assert.Contains("Built an RA-TLS certificate", all, StringComparison.Ordinal);
        Assert.Contains("Unsealing failed: SealedBlobAuthenticationFailed", all, StringComparison.Ordinal);
        foreach (byte[] secret in new[] { reportData, nonce, sealingKey, quoteBytes[..16], cert.PublicKeySha256.ToArray() })
        {
            Assert.DoesNotContain(Convert.ToHexStringLower(secret), all, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(secret), all, StringComparison.Ordinal);
        }
    }
}
