using BlindAI.Attestation;
using BlindAI.Client.Attestation;
using BlindAI.Client.Errors;
using BlindAI.Protocol;
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
        await using BlindAIClient client = await BlindAIClient.ConnectAsync(fixture.Host.ClientOptions());

        AttestationReport report = client.Attestation;
        Assert.False(report.FromOriginalQuoteRoute);
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
        await using BlindAIClient client = await BlindAIClient.ConnectAsync(fixture.Host.ClientOptions());

        var unknown = await Assert.ThrowsAsync<BlindAIRequestException>(() => client.RunModelAsync(ModelId.NewId(), [Protocol.Tensors.Tensor.Create<float>([1f], [1])]));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(ProblemCode.UnknownModel, unknown.ProblemCode);
        Assert.StartsWith(ProblemTypes.UriPrefix, unknown.ProblemType);
    }

    [Fact]
    public async Task A_disposed_client_refuses_requests()
    {
        BlindAIClient client = await BlindAIClient.ConnectAsync(fixture.Host.ClientOptions());
        await client.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.DeleteModelAsync(ModelId.NewId()));
    }

    [Fact]
    public async Task Dependency_injection_validates_named_options_at_start_and_connects_by_name()
    {
        var invalid = new ServiceCollection();
        invalid.AddBlindAIClient("broken", o => o.AttestedPort = 0);
        using (ServiceProvider provider = invalid.BuildServiceProvider())
        {
            var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<BlindAIClientOptions>>().Get("broken"));
            Assert.Contains(failure.Failures, f => f.Contains("'broken': Server is required", StringComparison.Ordinal));
            Assert.Contains(failure.Failures, f => f.Contains("AttestedPort", StringComparison.Ordinal));
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddBlindAIClient("simulated", o => Copy(fixture.Host.ClientOptions(), o));
        services.AddBlindAIClient("elsewhere", o => o.Server = new Uri("http://127.0.0.1:1"));
        await using ServiceProvider valid = services.BuildServiceProvider();
        BlindAIClientFactory factory = valid.GetRequiredService<BlindAIClientFactory>();
        await using BlindAIClient client = await factory.ConnectAsync("simulated");
        Assert.True(client.Attestation.FreshnessVerified);

        var unknown = await Assert.ThrowsAsync<InvalidOperationException>(() => factory.ConnectAsync("missing"));
        Assert.Contains("'elsewhere', 'simulated'", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_port_written_in_Server_is_the_untrusted_port()
    {
        BlindAIClientOptions options = fixture.Host.ClientOptions();
        options.Server = new Uri($"http://127.0.0.1:{options.UntrustedPort}");
        options.UntrustedPort = ProtocolRoutes.DefaultUntrustedPort;
        fixture.Host.Requests.Clear();

        await using BlindAIClient client = await BlindAIClient.ConnectAsync(options);

        Assert.Contains(fixture.Host.Requests.All, r => r.Path == "/evidence" && r.Port == fixture.Host.UntrustedPort);

        // Two different untrusted ports are refused, not silently resolved one way.
        options.UntrustedPort = fixture.Host.UntrustedPort + 1;
        var conflict = await Assert.ThrowsAsync<ArgumentException>(() => BlindAIClient.ConnectAsync(options));
        Assert.Contains("set the untrusted port in one place", conflict.Message, StringComparison.Ordinal);
    }

    private static void Copy(BlindAIClientOptions from, BlindAIClientOptions to)
    {
        to.Server = from.Server;
        to.UntrustedPort = from.UntrustedPort;
        to.AttestedPort = from.AttestedPort;
        to.ManagementPort = from.ManagementPort;
        to.Policy = from.Policy;
        to.InsecureSimulationRoot = from.InsecureSimulationRoot;
    }

    [Fact]
    public void Invalid_options_are_all_reported_at_once()
    {
        var options = new BlindAIClientOptions { UntrustedPort = 70000, RequestTimeout = TimeSpan.Zero, ManagementToken = "a b" };

        var error = Assert.Throws<ArgumentException>(() => options.Validate());

        Assert.Contains("UntrustedPort", error.Message, StringComparison.Ordinal);
        Assert.Contains("RequestTimeout", error.Message, StringComparison.Ordinal);
        Assert.Contains("ManagementToken", error.Message, StringComparison.Ordinal);
    }
}
