using System.Net;
using System.Net.Sockets;
using BlindAI.Inference.Tests.Support;
using BlindAI.Protocol;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Problems;
using BlindAI.SampleHost.Hosting;
using BlindAI.SampleHost.Tests.Support;
using Microsoft.Extensions.Options;

namespace BlindAI.SampleHost.Tests.Server;

/// <summary>Model management: loopback by default, bearer token when configured, unsafe settings refused at start.</summary>
public sealed class ManagementSecurityTests
{
    private const string Token = "correct-horse-battery-staple-42";

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
        await using RunningHost host = await RunningHost.StartAsync(new Dictionary<string, string?> { ["BlindAI:ManagementToken"] = Token });
        byte[] upload = Wire.Upload(TestModels.Subtract());

        using HttpResponseMessage missing = await host.Management.SendAsync(RunningHost.Post(ProtocolRoutes.Upload, upload, ProtocolMediaTypes.ProblemJson));
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Bearer", Assert.Single(missing.Headers.WwwAuthenticate).Scheme);
        Assert.Equal(ProblemCode.Unauthorized, (await Wire.ProblemAsync(missing)).Code);

        using HttpClient wrong = host.CreatePinnedClient(host.ManagementUri, Token + "x");
        using HttpResponseMessage refused = await wrong.SendAsync(RunningHost.Post(ProtocolRoutes.Upload, upload, ProtocolMediaTypes.ProblemJson));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

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
    [InlineData("BlindAI:ManagementToken", "short", "at least 16")]
    [InlineData("BlindAI:ListenAddress", "not-an-ip", "not an IP")]
    [InlineData("BlindAI:Limits:MaxRunBodyBytes", "0", "MaxRunBodyBytes")]
    public async Task Unsafe_or_unusable_settings_stop_the_host_before_any_port_opens(string key, string value, string message)
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningHost.StartAsync(new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(exception.Failures, f => f.Contains(message, StringComparison.Ordinal));
    }
}
