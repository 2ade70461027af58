using System.Net;
using System.Security.Cryptography;
using System.Text;
using BlindAI.Client;
using BlindAI.Client.Attestation;
using BlindAI.Client.Errors;
using BlindAI.Client.Models;
using BlindAI.Protocol.Problems;
using BlindAI.Protocol.Tensors;
using BlindAI.SampleHost;
using BlindAI.Server;
using BlindAI.Server.Hosting;
using BlindAI.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlindAI.Security.Tests;

/// <summary>
/// The management token the Gramine manifest promises is enforced. <c>gramine/blindai-host.manifest.template</c>,
/// rendered with the Makefile's variables by real Jinja2 and read by tomllib, passes
/// <c>--management-token-sha256 &lt;hex&gt;</c> in its measured <c>loader.argv</c>; the host started with exactly those
/// arguments refuses upload and delete without the token (401 problem details) and serves them with it. Before, no
/// switch mapped it: the host started without a token and served management to any loopback caller, which inside an
/// enclave includes the host's operator. A misspelt switch or setting now stops the host instead of leaving management
/// open. <see cref="ManagementTokenAttackTests"/> covers a token set through configuration; this class covers the
/// manifest's path to it.
/// </summary>
[Trait("Category", "Security")]
public sealed class ManagementTokenHashTests
{
    private const string Token = "manifest-management-token-7f3a9c1e5b2d4068";

    private static readonly string TokenSha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Token)));

    [Fact]
    public async Task The_manifest_token_hash_is_enforced_on_upload_and_delete()
    {
        RenderedTemplate manifest = await GramineFolder.RenderTemplateAsync("MANAGEMENT_TOKEN_SHA256=" + TokenSha256);
        int hashSwitch = manifest.Argv.ToList().IndexOf("--management-token-sha256");
        Assert.True(hashSwitch > 0, "loader.argv does not pass --management-token-sha256: " + string.Join(' ', manifest.Argv));
        Assert.Equal(TokenSha256, manifest.Argv[hashSwitch + 1]);

        await using ManifestHost host = await ManifestHost.StartAsync(manifest.Argv);

        // No token, a wrong one, and the hash itself: the manifest (and so the hash) is public, the token is not.
        foreach (string? token in new[] { null, "wrong-token-of-the-same-kind-7f3a9c1e", TokenSha256, Token + "x" })
        {
            await using BlindAIClient caller = await host.ConnectAsync(token);

            var refused = await Assert.ThrowsAsync<BlindAIRequestException>(() => caller.UploadModelAsync(ModelSource.FromBytes(TestModels.Subtract())));

            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(ProblemCode.Unauthorized, refused.ProblemCode);
        }

        Assert.Empty(host.StoredModelFiles());

        await using BlindAIClient owner = await host.ConnectAsync(Token);
        UploadedModel model = await owner.UploadModelAsync(ModelSource.FromBytes(TestModels.Subtract()));
        Assert.NotEmpty(host.StoredModelFiles());

        await using BlindAIClient anonymous = await host.ConnectAsync(null);
        var deleteRefused = await Assert.ThrowsAsync<BlindAIRequestException>(() => anonymous.DeleteModelAsync(model.Id));
        Assert.Equal(HttpStatusCode.Unauthorized, deleteRefused.StatusCode);
        Assert.Equal(ProblemCode.Unauthorized, deleteRefused.ProblemCode);

        // Inference needs no token; the model is still there and runs.
        Tensor[] inputs = [Tensor.Create<float>([5, 5, 5, 5, 5, 5], [2, 3], "A"), Tensor.Create<float>([1, 2, 3, 4, 5, 6], [2, 3], "B")];
        Assert.Equal(new[] { 4f, 3f, 2f, 1f, 0f, -1f }, (await anonymous.RunModelAsync(model.Id, inputs))[0].ToArray<float>());

        await owner.DeleteModelAsync(model.Id);
        Assert.Empty(host.StoredModelFiles());
    }

    [Theory]
    [InlineData("--management-token-sha265")]
    [InlineData("--management-token")]
    [InlineData("--BlindAI:ManagementTokenSha265")]
    public async Task A_misspelt_token_switch_in_the_arguments_stops_the_host_instead_of_leaving_management_open(string misspelt)
    {
        RenderedTemplate manifest = await GramineFolder.RenderTemplateAsync("MANAGEMENT_TOKEN_SHA256=" + TokenSha256);
        string[] argv = [.. manifest.Argv.Select(argument => argument == "--management-token-sha256" ? misspelt : argument)];

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(async () => { await using ManifestHost host = await ManifestHost.StartAsync(argv); });

        string name = misspelt.StartsWith("--BlindAI:", StringComparison.Ordinal) ? misspelt[2..] : misspelt;
        Assert.Contains(refused.Failures, failure => failure.Contains($"'{name}'", StringComparison.Ordinal));
        Assert.DoesNotContain(refused.Failures, failure => failure.Contains(TokenSha256, StringComparison.Ordinal));
    }

    /// <summary>The sample host started in this process with a manifest's <c>loader.argv</c>, changed only where a test must.</summary>
    private sealed class ManifestHost : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly string _dataDirectory;
        private readonly ListenerEndpoints _listeners;

        private ManifestHost(WebApplication app, string dataDirectory, ListenerEndpoints listeners)
        {
            _app = app;
            _dataDirectory = dataDirectory;
            _listeners = listeners;
        }

        public static async Task<ManifestHost> StartAsync(IReadOnlyList<string> argv)
        {
            string data = Directory.CreateTempSubdirectory("blindai-manifest-host-").FullName;
            WebApplication? app = null;
            try
            {
                app = SampleHostApplication.Build(ArgumentsForThisMachine(argv, data), builder => builder.Logging.ClearProviders());
                ListenerEndpoints listeners = await SampleHostApplication.StartAsync(app, CancellationToken.None);
                return new ManifestHost(app, data, listeners);
            }
            catch
            {
                if (app is not null)
                {
                    await app.DisposeAsync();
                }

                Directory.Delete(data, recursive: true);
                throw;
            }
        }

        public Task<BlindAIClient> ConnectAsync(string? managementToken) => BlindAIClient.ConnectAsync(new BlindAIClientOptions
        {
            Server = new Uri("http://127.0.0.1"),
            UntrustedPort = _listeners.GetEndPoint(ListenerRole.Untrusted).Port,
            AttestedPort = _listeners.GetEndPoint(ListenerRole.Attested).Port,
            ManagementPort = _listeners.GetEndPoint(ListenerRole.Management).Port,
            Policy = BlindAI.Attestation.Policy.AttestationPolicy.Strict.RequireMrEnclave(SimulatedHost.SimulatedMrEnclave),
            InsecureSimulationRoot = SimulationRoot.FromFile(Path.Combine(_dataDirectory, "simulation-root.pem")),
            FreshEvidence = FreshEvidenceMode.Required,
            ManagementToken = managementToken,
        });

        public string[] StoredModelFiles()
        {
            string models = Path.Combine(_dataDirectory, "models");
            return Directory.Exists(models) ? [.. Directory.GetFiles(models).Order(StringComparer.Ordinal)] : [];
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            Directory.Delete(_dataDirectory, recursive: true);
        }

        /// <summary>
        /// <c>loader.argv</c> without argv[0] (the enclave's entry point, the program itself), with only what a test on
        /// this machine must change: the fixed ports become 0 (the system picks free ones), the encrypted mount
        /// <c>/data</c> becomes a temporary folder, and the untrusted and attested ports bind loopback instead of every
        /// interface. <c>--simulation</c> is added because there is no SGX here; starting on a real quote provider
        /// under Gramine (the production path) is a later issue. Every other argument reaches the host as measured.
        /// </summary>
        private static string[] ArgumentsForThisMachine(IReadOnlyList<string> argv, string dataDirectory)
        {
            Assert.Equal("/app/BlindAI.SampleHost", argv[0]);
            string[] arguments = [.. argv.Skip(1)];
            for (int i = 0; i + 1 < arguments.Length; i++)
            {
                switch (arguments[i])
                {
                    case "--untrusted-port" or "--attested-port" or "--management-port":
                        arguments[++i] = "0";
                        break;
                    case "--data-dir":
                        Assert.Equal("/data", arguments[i + 1]);
                        arguments[++i] = dataDirectory;
                        break;
                }
            }

            return [.. arguments, "--listen-address", "127.0.0.1", "--simulation"];
        }
    }
}
