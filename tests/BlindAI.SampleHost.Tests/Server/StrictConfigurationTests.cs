using System.Text.Json;
using BlindAI.Server.Configuration;
using BlindAI.SampleHost;
using BlindAI.Server;
using BlindAI.Server.Hosting;
using BlindAI.SampleHost.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlindAI.SampleHost.Tests.Server;

/// <summary>
/// No setting is silently ignored: an argument that is not one of the host's switches, or a key under <c>BlindAI</c> that
/// the host would not apply, stops it before any port opens, naming what was wrong. (The process-level exit code and
/// the environment-variable source are checked on the published host: Packaging/NativeRunTests.)
/// </summary>
public sealed class StrictConfigurationTests
{
    private const string Secret = "s3cret-value-that-must-not-be-echoed";

    [Theory]
    [InlineData("--urls", "http://127.0.0.1:0")]
    [InlineData("--management-token", Secret)]
    [InlineData("--environment", "Development")]
    [InlineData("--Logging:LogLevel:Default", "Trace")]
    [InlineData("-p", "9923")]
    public void An_unknown_switch_stops_the_host_naming_it_and_listing_the_known_ones(string name, string value)
    {
        foreach (string[] args in new[] { new[] { name, value }, [name + "=" + value] })
        {
            var exception = Assert.Throws<OptionsValidationException>(() => Build(args));

            string failure = exception.Failures.First();
            Assert.Contains($"Unknown command-line switch '{name}'", failure, StringComparison.Ordinal);
            foreach (string known in CommandLineSwitches.Mappings.Keys.Append("--BlindAI:<setting>"))
            {
                Assert.Contains(known, failure, StringComparison.Ordinal);
            }

            Assert.DoesNotContain(exception.Failures, f => f.Contains(Secret, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(new[] { "stray" }, "Argument 1 is a value without a switch")]
    [InlineData(new[] { "/BlindAI:Simulation=false" }, "Argument 1 is a value without a switch")]
    [InlineData(new[] { "--data-dir" }, "'--data-dir' needs a value")]
    [InlineData(new[] { "--data-dir", "--simulation" }, "'--data-dir' needs a value")]
    [InlineData(new[] { "--simulation=yes" }, "takes no value, or true or false")]
    [InlineData(new[] { "--untrusted-port", "1", "--untrusted-port", "2" }, "'BlindAI:UntrustedPort' is given more than once")]
    [InlineData(new[] { "--simulation", "--BlindAI:Simulation=false" }, "'BlindAI:Simulation' is given more than once")]
    [InlineData(new[] { "--untrusted-port", "not-a-port" }, "BlindAI:UntrustedPort")]
    public void A_malformed_command_line_stops_the_host(string[] args, string message)
    {
        var exception = Assert.Throws<OptionsValidationException>(() => Build(args));

        Assert.Contains(exception.Failures, f => f.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_value_without_a_switch_is_not_repeated_in_the_refusal()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => Build(["--simulation", Secret]));

        Assert.Contains(exception.Failures, f => f.Contains("Argument 2 is a value without a switch", StringComparison.Ordinal));
        Assert.DoesNotContain(exception.Failures, f => f.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_switch_and_BlindAI_setting_on_the_command_line_is_applied()
    {
        string data = Directory.CreateTempSubdirectory("blindai-host-switches-").FullName;
        try
        {
            string hash = new('a', 64);
            await using WebApplication app = SampleHostApplication.Build(
            [
                "--untrusted-port=0", "--attested-port", "0", "--MANAGEMENT-PORT", "0", "--listen-address", "127.0.0.1",
                "--management-address", "::1", "--management-token-sha256", hash, "--data-dir", data, "--simulation", "true",
                "--BlindAI:Limits:MaxQueuedRequests", "3", "--blindai:PersistModels=false",
            ]);

            BlindAIServerOptions options = app.Services.GetRequiredService<IOptions<BlindAIServerOptions>>().Value;
            Assert.Equal((0, 0, 0), (options.UntrustedPort, options.AttestedPort, options.ManagementPort));
            Assert.Equal(("127.0.0.1", "::1"), (options.ListenAddress, options.ManagementListenAddress));
            Assert.Equal(hash, options.ManagementTokenSha256);
            Assert.Equal(data, options.DataDirectory);
            Assert.True(options.Simulation);
            Assert.Equal(3, options.Limits.MaxQueuedRequests);
            Assert.False(options.PersistModels);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [InlineData("BlindAI:ManagementToken")]
    [InlineData("BlindAI:ManagementTokenSha265")]
    [InlineData("BlindAI:Simulaton")]
    [InlineData("BlindAI:Limits:MaxRunBody")]
    [InlineData("BlindAI:Limits:MaxRunBodyBytes:Extra")]
    [InlineData("BlindAI:Enclave:Certificate:Validty")]
    [InlineData("BlindAI:Enclave:Certificate:AdditionalDnsNames:0:Name")]
    [InlineData("BlindAI:Inference:MaxThreads")]
    [InlineData("BlindAI:Collateral:Intel")]
    [InlineData("BlindAI:Collateral:IntelPcs:Key")]
    public async Task An_unknown_setting_stops_the_host_naming_its_full_key(string key)
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningHost.StartAsync(new Dictionary<string, string?> { [key] = "1" }));

        Assert.Contains(exception.Failures, f => f.StartsWith($"Unknown setting '{key}'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_setting_in_a_json_file_or_on_the_command_line_is_refused_like_any_other()
    {
        string json = Path.Combine(Path.GetTempPath(), $"blindai-settings-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(new { BlindAI = new { Limits = new { MaxConcurentRuns = 4 } } }));
        try
        {
            var fromFile = Assert.Throws<OptionsValidationException>(() => Build(["--simulation"], builder => builder.Configuration.AddJsonFile(json)));
            Assert.Contains(fromFile.Failures, f => f.StartsWith("Unknown setting 'BlindAI:Limits:MaxConcurentRuns'", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(json);
        }

        var fromArguments = Assert.Throws<OptionsValidationException>(() => Build(["--simulation", "--BlindAI:ShutdownTimout", "00:00:05"]));
        Assert.Contains(fromArguments.Failures, f => f.StartsWith("Unknown setting 'BlindAI:ShutdownTimout'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("BlindAI:Collateral:Pccs:BaseAddress", "https://pccs.invalid/", "CollateralSource Pccs")]
    [InlineData("BlindAI:Collateral:IntelPcs:Timeout", "00:00:05", "CollateralSource IntelPcs")]
    [InlineData("BlindAI:Enclave:SealingKey", "MrSigner", "simulation replaces it")]
    [InlineData("BlindAI:Enclave:GramineAttestationRoot", "/dev/attestation", "simulation replaces it")]
    public async Task A_known_setting_that_this_configuration_would_ignore_stops_the_host(string key, string value, string why)
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningHost.StartAsync(new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(exception.Failures, f => f.StartsWith($"Setting '{key}' would be ignored", StringComparison.Ordinal) && f.Contains(why, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Settings_of_every_section_are_accepted_when_they_apply()
    {
        await using RunningHost host = await RunningHost.StartAsync(new Dictionary<string, string?>
        {
            // Property names match ignoring case, as the configuration binder matches them.
            ["blindai:limits:maxqueuedrequests"] = "5",
            ["BlindAI:ShutdownTimeout"] = "00:00:05",
            ["BlindAI:Inference:MaxQueuedRuns"] = "7",
            ["BlindAI:Enclave:Certificate:Validity"] = "7.00:00:00",
            ["BlindAI:Enclave:Certificate:AdditionalDnsNames:0"] = "blindai.example",
            ["BlindAI:CollateralSource"] = "None",
        });

        Assert.Equal(5, host.App.Services.GetRequiredService<IOptions<BlindAIServerOptions>>().Value.Limits.MaxQueuedRequests);
        Assert.Equal(TimeSpan.FromDays(7), host.App.Services.GetRequiredService<IOptions<Enclave.DependencyInjection.BlindAIEnclaveOptions>>().Value.Certificate.Validity);
    }

    private static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null) =>
        SampleHostApplication.Build(args, builder =>
        {
            builder.Logging.ClearProviders();
            configure?.Invoke(builder);
        });
}
