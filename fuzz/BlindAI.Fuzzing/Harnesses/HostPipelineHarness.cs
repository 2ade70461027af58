using System.Security.Cryptography;
using System.Globalization;
using System.Net;
using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;
using BlindAI.Server;
using BlindAI.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlindAI.Fuzzing.Harnesses;

/// <summary>
/// The whole HTTP pipeline of a BlindAI server composed from BlindAI.Server (listener routing, problem middleware, rate limiting, timeouts, endpoints,
/// codec, model store, ONNX Runtime), in process through <see cref="TestServer"/> instead of sockets. The first input
/// byte picks the route (run on the attested listener; upload and delete on the management listener; fresh evidence on
/// the untrusted listener), the rest is the request body. Any 5xx answer but 503 (back-pressure), or any exception out
/// of the pipeline, is a finding.
/// A float Identity model is uploaded at start, so run requests that name it by hash reach inference.
/// </summary>
internal sealed class HostPipelineHarness : IHarness
{
    private const int UntrustedPort = 41001;
    private const int AttestedPort = 41002;
    private const int ManagementPort = 41003;
    private const int MaxBodyBytes = 64 * 1024;

    private static readonly (string Path, int Port)[] Routes =
    [
        (ProtocolRoutes.Run, AttestedPort),
        (ProtocolRoutes.Upload, ManagementPort),
        (ProtocolRoutes.Delete, ManagementPort),
        (ProtocolRoutes.Evidence, UntrustedPort),
    ];

    private static readonly byte[] Model = TestModels.Identity(1);

    private WebApplication? _app;
    private TestServer? _server;
    private string? _dataDirectory;

    public string Name => "host";

    public void Initialize()
    {
        // run.sh points this at a folder it cleans; AFL kills the process, so nothing else would.
        _dataDirectory = Environment.GetEnvironmentVariable("BLINDAI_FUZZ_HOST_DATA") is { Length: > 0 } configured
            ? Directory.CreateDirectory(configured).FullName
            : Directory.CreateTempSubdirectory("blindai-fuzz-host-").FullName;
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        if (Environment.GetEnvironmentVariable("BLINDAI_FUZZ_HOST_LOG") != "1")
        {
            builder.Logging.ClearProviders();
        }

        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BlindAI:Simulation"] = "true",
            ["BlindAI:DataDirectory"] = _dataDirectory,
            ["BlindAI:ListenAddress"] = "127.0.0.1",
            ["BlindAI:UntrustedPort"] = UntrustedPort.ToString(CultureInfo.InvariantCulture),
            ["BlindAI:AttestedPort"] = AttestedPort.ToString(CultureInfo.InvariantCulture),
            ["BlindAI:ManagementPort"] = ManagementPort.ToString(CultureInfo.InvariantCulture),
            ["BlindAI:Limits:MaxRunBodyBytes"] = MaxBodyBytes.ToString(CultureInfo.InvariantCulture),
            ["BlindAI:Limits:MaxUploadBodyBytes"] = MaxBodyBytes.ToString(CultureInfo.InvariantCulture),
        });
        builder.Services.AddBlindAIServer(builder.Configuration.GetSection(BlindAIServerOptions.SectionName));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenBlindAI());
        _app = builder.Build();
        _app.MapBlindAI();

        // Kestrel is not the server here, but its options callback is what registers the three listeners the routing
        // middleware maps local ports to.
        _ = _app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;
        _app.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _server = (TestServer)_app.Services.GetRequiredService<IServer>();

        HttpContext uploaded = Send(ProtocolRoutes.Upload, ManagementPort, MessageCodec.Default.EncodeUploadModel(UploadModel.Create(Model, "identity")));
        if (uploaded.Response.StatusCode != StatusCodes.Status200OK)
        {
            throw new InvalidOperationException($"The seed model upload answered {uploaded.Response.StatusCode}.");
        }
    }

    public void Execute(ReadOnlyMemory<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        (string path, int port) = Routes[input.Span[0] % Routes.Length];
        HttpContext context = Send(path, port, input[1..].ToArray());
        int status = context.Response.StatusCode;
        if (status >= 500 && status != StatusCodes.Status503ServiceUnavailable)
        {
            throw new InvalidOperationException($"POST {path} answered {status} ({context.Response.Headers["BlindAI-Problem-Type"]}).");
        }
    }

    public IEnumerable<(string Name, byte[] Data)> Seeds(string testData)
    {
        MessageCodec codec = MessageCodec.Default;
        ModelReference model = ModelReference.ByHash(ModelHash.Compute(Model));
        Tensor input = Tensor.Create<float>([1f, 2f, 3f], [3], "X");
        yield return ("run", [0, .. codec.EncodeRunModel(RunModel.Create(model, [input]))]);
        yield return ("run_wrong_type", [0, .. codec.EncodeRunModel(RunModel.Create(model, [Tensor.Create<long>([1L], [1], "X")]))]);
        yield return ("run_unknown_model", [0, .. codec.EncodeRunModel(RunModel.Create(ModelReference.ById(ModelId.NewId()), [input]))]);
        yield return ("upload", [1, .. codec.EncodeUploadModel(UploadModel.Create(Model, "identity"))]);
        yield return ("upload_garbage", [1, .. codec.EncodeUploadModel(UploadModel.Create(new byte[] { 8, 1, 18, 0 }, "junk"))]);
        yield return ("delete", [2, .. codec.EncodeDeleteModel(ModelId.NewId())]);
        yield return ("evidence", [3, .. codec.EncodeFreshEvidenceRequest(RandomNumberGenerator.GetBytes(FreshEvidenceReply.NonceLength))]);
    }

    private HttpContext Send(string path, int port, byte[] body) =>
        _server!.SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Post;
            context.Request.Scheme = port == UntrustedPort ? "http" : "https";
            context.Request.Path = path;
            context.Request.ContentType = ProtocolMediaTypes.Cbor;

            // The original client's error format answers every refusal with 500; ask for problem details, whose
            // status is the real one (500 only for an internal error).
            context.Request.Headers.Accept = ProtocolMediaTypes.ProblemCbor;
            context.Request.ContentLength = body.Length;
            context.Request.Body = new MemoryStream(body, writable: false);
            context.Connection.LocalPort = port;
            context.Connection.LocalIpAddress = IPAddress.Loopback;
            context.Connection.RemoteIpAddress = IPAddress.Loopback;
        }).GetAwaiter().GetResult();
}
