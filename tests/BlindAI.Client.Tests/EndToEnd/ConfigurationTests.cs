using System.Globalization;
using BlindAI.Attestation;
using BlindAI.Attestation.Verification;
using BlindAI.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BlindAI.Client.Tests.EndToEnd;

/// <summary>Named clients bound from configuration: the policy binds (inline or from a file), and nothing is silently ignored.</summary>
[Collection(HostCollection.Name)]
public sealed class ConfigurationTests(HostFixture fixture)
{
    [Fact]
    public async Task A_client_bound_from_configuration_with_an_inline_policy_connects_by_name()
    {
        SimulatedHost host = fixture.Host;
        using ServiceProvider provider = Register(new()
        {
            ["Server"] = $"http://127.0.0.1:{host.UntrustedPort}",
            ["AttestedPort"] = host.AttestedPort.ToString(CultureInfo.InvariantCulture),
            ["ManagementPort"] = host.ManagementPort.ToString(CultureInfo.InvariantCulture),
            ["InsecureSimulationRoot"] = host.RootPath,
            ["Policy:Sgx:MrEnclave"] = SimulatedHost.SimulatedMrEnclave.ToString(),
            ["Policy:AcceptedTcbStatuses:0"] = "SWHardeningNeeded",
            ["Policy:CollateralGracePeriodSeconds"] = "60",
            ["RequestTimeout"] = "00:00:30",
        });

        BlindAIClientOptions options = provider.GetRequiredService<IOptionsMonitor<BlindAIClientOptions>>().Get("scoring");
        Assert.Equal(SimulatedHost.SimulatedMrEnclave, Assert.Single(options.Policy.MrEnclaves));
        Assert.Contains(TcbStatus.SWHardeningNeeded, options.Policy.AcceptedTcbStatuses);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Policy.CollateralGracePeriod);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RequestTimeout);

        await using BlindAIClient client = await provider.GetRequiredService<BlindAIClientFactory>().ConnectAsync("scoring");
        Assert.Equal(SimulatedHost.SimulatedMrEnclave, client.Attestation.Quote.SgxReport!.MrEnclave);
    }

    [Fact]
    public void A_policy_file_binds_from_its_path()
    {
        string path = Path.Combine(Path.GetTempPath(), $"policy-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, $$"""{ "sgx": { "mrEnclave": "{{SimulatedHost.SimulatedMrEnclave}}" }, "minimumTcbEvaluationDataNumber": 17 }""");
        try
        {
            using ServiceProvider provider = Register(new() { ["Server"] = "http://enclave.example", ["Policy"] = path });

            BlindAIClientOptions options = provider.GetRequiredService<IOptionsMonitor<BlindAIClientOptions>>().Get("scoring");

            Assert.True(options.Policy.PinsIdentity);
            Assert.Equal(17, options.Policy.MinimumTcbEvaluationDataNumber);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static TheoryData<string, string, string> Unbindable => new()
    {
        { "Polcy:Sgx:MrEnclave", "00", "Polcy is not a BlindAI client option" },
        { "Policy:Sgx:MrEnclav", "00", "Policy cannot be bound" },
        { "Policy:Sgx:MrEnclave", "not hex", "Policy cannot be bound" },
        { "Policy:AllowDebug", "yes", "Policy cannot be bound" },
        { "Policy", "/no/such/policy.json", "Policy cannot be bound" },
        { "AttestedPort", "port", "AttestedPort cannot be bound" },
        { "FreshEvidence", "WhenOffered", "FreshEvidence cannot be bound" },
    };

    [Theory]
    [MemberData(nameof(Unbindable))]
    public void An_unknown_or_unbindable_setting_is_a_validation_error(string key, string value, string expected)
    {
        // Everything else valid, so that the error can only come from the setting under test.
        var settings = new Dictionary<string, string?> { ["Server"] = "http://enclave.example", [key] = value };
        if (!key.StartsWith("Policy", StringComparison.Ordinal))
        {
            settings["Policy:AllowUnpinnedIdentity"] = "true";
        }

        using ServiceProvider provider = Register(settings);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<BlindAIClientOptions>>().Get("scoring"));

        Assert.Contains(error.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Without_a_policy_the_strict_default_is_refused_at_validation_not_at_the_first_connection()
    {
        using ServiceProvider provider = Register(new() { ["Server"] = "http://enclave.example" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<BlindAIClientOptions>>().Get("scoring"));

        Assert.Contains(error.Failures, f => f.Contains("pins no enclave identity", StringComparison.Ordinal));
    }

    private static ServiceProvider Register(Dictionary<string, string?> settings)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create("BlindAI:Scoring:" + s.Key, s.Value))).Build();
        var services = new ServiceCollection();
        services.AddBlindAIClient("scoring", configuration.GetSection("BlindAI:Scoring"));
        return services.BuildServiceProvider();
    }
}
