using System.Net;
using BlindAI.Client;
using BlindAI.Client.Errors;
using BlindAI.Client.Models;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Problems;
using BlindAI.Protocol.Tensors;
using BlindAI.Testing;

namespace BlindAI.Security.Tests;

/// <summary>
/// Unauthenticated management calls when a management token is configured: a client that attested the genuine server
/// but holds no token, or a wrong one, can neither upload nor delete. Every refusal is a 401 problem (typed, with the
/// <see cref="ProblemCode.Unauthorized"/> code) and changes nothing: the sealed store and the served models are as before.
/// The raw-HTTP variants (missing header, wrong scheme) are in BlindAI.SampleHost.Tests'
/// <c>ManagementSecurityTests.A_configured_token_is_required_and_compared</c>.
/// </summary>
[Trait("Category", "Security")]
public sealed class ManagementTokenAttackTests : IAsyncLifetime
{
    private const string Token = "correct-horse-battery-staple-42";
    private SimulatedHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await SimulatedHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["BlindAI:ManagementTokenSha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Token))),
        });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Unauthenticated_upload_when_a_token_is_configured_is_refused_and_stores_nothing()
    {
        foreach (string? token in new[] { null, "wrong-token-of-the-same-kind-42", Token + "x", Token[..^1] })
        {
            await using BlindAIClient client = await ConnectAsync(token);

            var refused = await Assert.ThrowsAsync<BlindAIRequestException>(() => client.UploadModelAsync(ModelSource.FromBytes(TestModels.Subtract())));

            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(ProblemCode.Unauthorized, refused.ProblemCode);
        }

        Assert.Empty(StoredModelFiles());
        Assert.Equal(4, _host.Requests.All.Count(r => r.Path == "/upload"));
    }

    [Fact]
    public async Task Unauthenticated_delete_when_a_token_is_configured_is_refused_and_the_model_stays()
    {
        await using BlindAIClient owner = await ConnectAsync(Token);
        UploadedModel model = await owner.UploadModelAsync(ModelSource.FromBytes(TestModels.Subtract()));
        string[] stored = StoredModelFiles();
        Assert.NotEmpty(stored);

        foreach (string? token in new[] { null, "wrong-token-of-the-same-kind-42" })
        {
            await using BlindAIClient attacker = await ConnectAsync(token);

            var refused = await Assert.ThrowsAsync<BlindAIRequestException>(() => attacker.DeleteModelAsync(model.Id));

            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(ProblemCode.Unauthorized, refused.ProblemCode);
        }

        // Nothing changed: the sealed files are the same and the model still runs, by id and by hash.
        Assert.Equal(stored, StoredModelFiles());
        Tensor[] inputs = [Tensor.Create<float>([5, 5, 5, 5, 5, 5], [2, 3], "A"), Tensor.Create<float>([1, 2, 3, 4, 5, 6], [2, 3], "B")];
        IReadOnlyList<Tensor> outputs = await owner.RunModelAsync(model.Id, inputs);
        Assert.Equal(new[] { 4f, 3f, 2f, 1f, 0f, -1f }, outputs[0].ToArray<float>());
        Assert.Single(await owner.RunModelByHashAsync(model.Hash, inputs));

        // The token holder can delete it.
        await owner.DeleteModelAsync(model.Id);
        Assert.Empty(StoredModelFiles());
    }

    private Task<BlindAIClient> ConnectAsync(string? token)
    {
        BlindAIClientOptions options = _host.ClientOptions();
        options.ManagementToken = token;
        return BlindAIClient.ConnectAsync(options);
    }

    private string[] StoredModelFiles()
    {
        string models = Path.Combine(_host.DataDirectory, "models");
        return Directory.Exists(models) ? [.. Directory.GetFiles(models).Order(StringComparer.Ordinal)] : [];
    }
}
