using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using BlindAI.Protocol;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Problems;
using BlindAI.SampleHost;
using BlindAI.Server;
using BlindAI.Server.Hosting;
using BlindAI.SampleHost.Tests.Support;
using BlindAI.Testing;
using Microsoft.Extensions.Options;

namespace BlindAI.SampleHost.Tests.Server;

/// <summary>Model management: loopback by default, bearer token (configured as its SHA-256) when configured, unsafe settings refused at start.</summary>
public sealed class ManagementSecurityTests
{
    private const string Token = "correct-horse-battery-staple-42";

    private static readonly string TokenSha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Token)));

    [Fact]
    public async Task Management_listens_on_loopback_only_by_default()
    {
        await using RunningHost host = await RunningHost.StartAsync();

        IPEndPoint management = host.Listeners.GetEndPoint(ListenerRole.Management);
        Assert.True(IPAddress.IsLoopback(management.Address));
        IPAddress? external = (await Dns.GetHostAddressesAsync(Dns.GetHostName()))
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        if (external is not null)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await Assert.ThrowsAnyAsync<SocketException>(() => socket.ConnectAsync(external, management.Port));
        }
    }

    [Fact]
    public async Task A_configured_token_is_required_and_compared()
    {
        await using RunningHost host = await RunningHost.StartAsync(new Dictionary<string, string?> { ["BlindAI:ManagementTokenSha256"] = TokenSha256 });
        byte[] upload = Wire.Upload(TestModels.Subtract());

        using HttpResponseMessage missing = await host.Management.SendAsync(RunningHost.Post(ProtocolRoutes.Upload, upload, ProtocolMediaTypes.ProblemJson));
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Bearer", Assert.Single(missing.Headers.WwwAuthenticate).Scheme);
        Assert.Equal(ProblemCode.Unauthorized, (await Wire.ProblemAsync(missing)).Code);

        // A wrong token, the configured hash itself (public in a Gramine manifest), and the token in upper case.
        foreach (string wrongToken in new[] { Token + "x", TokenSha256, Token.ToUpperInvariant() })
        {
            using HttpClient wrong = host.CreatePinnedClient(host.ManagementUri, wrongToken);
            using HttpResponseMessage refused = await wrong.SendAsync(RunningHost.Post(ProtocolRoutes.Upload, upload, ProtocolMediaTypes.ProblemJson));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(ProblemCode.Unauthorized, (await Wire.ProblemAsync(refused)).Code);
        }

        foreach (string header in new[] { "Bearer", "Bearer ", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("x:" + Token)), Token })
        {
            using HttpRequestMessage request = RunningHost.Post(ProtocolRoutes.Upload, upload, ProtocolMediaTypes.ProblemJson);
            request.Headers.TryAddWithoutValidation("Authorization", header);
            using HttpResponseMessage refused = await host.Management.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using HttpClient right = host.CreatePinnedClient(host.ManagementUri, Token);
        SendModelReply reply = await Wire.UploadAsync(right, TestModels.Subtract());
        using HttpResponseMessage deleteWithoutToken = await host.Management.SendAsync(RunningHost.Post(ProtocolRoutes.Delete, Wire.Delete(reply.ModelId)));
        Assert.Equal(HttpStatusCode.Unauthorized, deleteWithoutToken.StatusCode);
        using HttpResponseMessage deleted = await right.SendAsync(RunningHost.Post(ProtocolRoutes.Delete, Wire.Delete(reply.ModelId)));
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);

        // Inference is not management: no token on the attested port.
        using HttpResponseMessage run = await host.Attested.SendAsync(RunningHost.Post(ProtocolRoutes.Run, Wire.Run(ModelReference.ByHash(reply.Hash)), ProtocolMediaTypes.ProblemJson));
        Assert.NotEqual(HttpStatusCode.Unauthorized, run.StatusCode);
    }

    [Theory]
    [InlineData("BlindAI:ManagementListenAddress", "0.0.0.0", "not loopback")]
    [InlineData("BlindAI:ManagementTokenSha256", "short", "64 hex digits")]
    [InlineData("BlindAI:ManagementTokenSha256", "", "64 hex digits")]
    [InlineData("BlindAI:ManagementTokenSha256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a", "64 hex digits")]
    [InlineData("BlindAI:ManagementTokenSha256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ag", "64 hex digits")]
    [InlineData("BlindAI:ManagementTokenSha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "empty token")]
    [InlineData("BlindAI:ListenAddress", "not-an-ip", "not an IP")]
    [InlineData("BlindAI:Limits:MaxRunBodyBytes", "0", "MaxRunBodyBytes")]
    public async Task Unsafe_or_unusable_settings_stop_the_host_before_any_port_opens(string key, string value, string message)
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningHost.StartAsync(new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(exception.Failures, f => f.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invalid_token_hash_is_refused_without_repeating_the_value()
    {
        // A deployer who put the token itself where its hash belongs must not find it in the start-up error (or the logs).
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningHost.StartAsync(new Dictionary<string, string?> { ["BlindAI:ManagementTokenSha256"] = Token }));

        string failure = Assert.Single(exception.Failures);
        Assert.Contains("ManagementTokenSha256", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_hash_is_read_in_either_case_of_hex_digits()
    {
        await using RunningHost host = await RunningHost.StartAsync(new Dictionary<string, string?> { ["BlindAI:ManagementTokenSha256"] = TokenSha256.ToUpperInvariant() });

        using HttpClient right = host.CreatePinnedClient(host.ManagementUri, Token);
        await Wire.UploadAsync(right, TestModels.Subtract());
        using HttpResponseMessage missing = await host.Management.SendAsync(RunningHost.Post(ProtocolRoutes.Upload, Wire.Upload(TestModels.Subtract())));
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
    }
}
