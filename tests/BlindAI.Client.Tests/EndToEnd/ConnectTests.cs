using BlindAI.Attestation;
using BlindAI.Client.Attestation;
using BlindAI.Client.DependencyInjection;
using BlindAI.Client.Errors;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Problems;
using BlindAI.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BlindAI.Client.Tests.EndToEnd;

[Collection(HostCollection.Name)]
public sealed class ConnectTests(HostFixture fixture)
{
    [Fact]
    public async Task Connect_verifies_the_certificate_evidence_and_a_fresh_nonce_bound_quote()
    {
        await using BlindAIClient client = await BlindAIClient.ConnectAsync("127.0.0.1", fixture.Host.ClientOptions());

        AttestationReport report = client.Attestation;
        Assert.Equal(EvidenceSource.RaTlsCertificate, report.Source);
        Assert.True(report.FreshnessVerified);
        Assert.NotNull(report.FreshVerification);
        Assert.True(report.IsSimulation);
        Assert.Equal(TcbStatus.UpToDate, report.Verification.TcbStatus);
        Assert.Equal(SimulatedHost.SimulatedMrEnclave, report.Quote.SgxReport!.MrEnclave);
        Assert.Equal(report.PublicKeySha256.ToArray(), System.Security.Cryptography.SHA256.HashData(report.Certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        Assert.True(report.Capabilities!.Simulation);
    }

    [Fact]
    public async Task Request_failures_carry_the_status_and_the_problem_code()
    {
        await using BlindAIClient client = await BlindAIClient.ConnectAsync("127.0.0.1", fixture.Host.ClientOptions());

        var unknown = await Assert.ThrowsAsync<BlindAIRequestException>(() => client.RunModelAsync(ModelId.NewId(), [Protocol.Tensors.Tensor.Create<float>([1f], [1])]));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(ProblemCode.UnknownModel, unknown.ProblemCode);
        Assert.StartsWith(ProblemTypes.UriPrefix, unknown.ProblemType);
    }

    [Fact]
    public async Task A_disposed_client_refuses_requests()
    {
        BlindAIClient client = await BlindAIClient.ConnectAsync("127.0.0.1", fixture.Host.ClientOptions());
        await client.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.DeleteModelAsync(ModelId.NewId()));
    }

    [Fact]
    public async Task Dependency_injection_validates_options_at_start_and_connects_with_them()
    {
        var invalid = new ServiceCollection();
        invalid.AddBlindAIClient(o => o.AttestedPort = 0);
        using (ServiceProvider provider = invalid.BuildServiceProvider())
        {
            var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<BlindAIClientOptions>>().Value);
            Assert.Contains(failure.Failures, f => f.Contains("Server is required", StringComparison.Ordinal));
            Assert.Contains(failure.Failures, f => f.Contains("AttestedPort", StringComparison.Ordinal));
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddBlindAIClient(o =>
        {
            BlindAIClientOptions defaults = fixture.Host.ClientOptions();
            o.Server = new Uri("http://127.0.0.1");
            o.UntrustedPort = defaults.UntrustedPort;
            o.AttestedPort = defaults.AttestedPort;
            o.ManagementPort = defaults.ManagementPort;
            o.Policy = defaults.Policy;
            o.InsecureSimulationRoot = defaults.InsecureSimulationRoot;
        });
        await using ServiceProvider valid = services.BuildServiceProvider();
        await using BlindAIClient client = await valid.GetRequiredService<BlindAIClientFactory>().ConnectAsync();
        Assert.True(client.Attestation.FreshnessVerified);
    }

    [Fact]
    public void Invalid_options_are_all_reported_at_once()
    {
        var options = new BlindAIClientOptions { UntrustedPort = 70000, RequestTimeout = TimeSpan.Zero, ManagementToken = "a b" };

        var error = Assert.Throws<ArgumentException>(() => options.Validate(requireServer: false));

        Assert.Contains("UntrustedPort", error.Message, StringComparison.Ordinal);
        Assert.Contains("RequestTimeout", error.Message, StringComparison.Ordinal);
        Assert.Contains("ManagementToken", error.Message, StringComparison.Ordinal);
    }
}
