using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;
using BlindAI.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlindAI.Server.Tests;

/// <summary>
/// A BlindAI server composed from the library alone (options set in code, the three listeners, all routes), as an
/// adopter would: its spans cover upload, run, delete and attestation, and no tensor or model byte reaches a tag.
/// </summary>
public sealed class ComposedServerTests
{
    private static readonly float[] Left = [11.5f, 22.25f, 33.125f, 44.0625f, 55.5f, 66.75f];
    private static readonly float[] Right = [1.5f, 2.25f, 3.125f, 4.0625f, 5.5f, 6.75f];

    [Fact]
    public async Task Spans_cover_attest_upload_run_delete_and_carry_no_payload()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == BlindAIServerTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        string data = Directory.CreateTempSubdirectory("blindai-composed-").FullName;
        byte[] model = TestModels.Subtract();
        SendModelReply uploaded;
        try
        {
            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddBlindAIServer(options =>
            {
                options.Simulation = true;
                options.DataDirectory = data;
                options.PersistModels = false;
                options.UntrustedPort = 0;
                options.AttestedPort = 0;
                options.ManagementPort = 0;
                options.ListenAddress = "127.0.0.1";
            });
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenBlindAI());
            await using WebApplication app = builder.Build();
            app.MapBlindAI();
            await app.StartAsync();
            ListenerEndpoints listeners = app.Services.GetRequiredService<ListenerEndpoints>();

            using var untrusted = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listeners.GetEndPoint(ListenerRole.Untrusted).Port}") };
            using HttpResponseMessage quote = await untrusted.GetAsync(new Uri(ProtocolRoutes.Quote, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, quote.StatusCode);

            // Trust is not what this test is about (AttestedApiTests attests): any certificate is accepted here.
            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
            using var management = new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri($"https://127.0.0.1:{listeners.GetEndPoint(ListenerRole.Management).Port}") };
            using var attested = new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri($"https://127.0.0.1:{listeners.GetEndPoint(ListenerRole.Attested).Port}") };
            uploaded = MessageCodec.Default.DecodeSendModelReply(
                await PostAsync(management, ProtocolRoutes.Upload, MessageCodec.Default.EncodeUploadModel(UploadModel.Create(model, "model.onnx"))));
            RunModelReply reply = MessageCodec.Default.DecodeRunModelReply(await PostAsync(attested, ProtocolRoutes.Run, MessageCodec.Default.EncodeRunModel(
                RunModel.Create(ModelReference.ById(uploaded.ModelId), [Tensor.Create<float>(Left, [2, 3]), Tensor.Create<float>(Right, [2, 3])]))));
            Assert.Equal(10f, reply.Outputs[0].ToArray<float>()[0]);
            await PostAsync(management, ProtocolRoutes.Delete, MessageCodec.Default.EncodeDeleteModel(uploaded.ModelId));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }

        Activity run = Assert.Single(spans, s => s.OperationName == "blindai.server.run");
        Assert.Equal(uploaded.ModelId.ToString(), run.GetTagItem("blindai.model.id"));
        Assert.Equal("ok", run.GetTagItem("blindai.outcome"));
        Assert.Single(spans, s => s.OperationName == "blindai.server.upload" && (string?)s.GetTagItem("blindai.model.id") == uploaded.ModelId.ToString());
        Assert.Single(spans, s => s.OperationName == "blindai.server.delete");
        Assert.Contains(spans, s => s.OperationName == "blindai.server.attest" && (string?)s.GetTagItem("blindai.evidence.kind") == "quote");
        string[] payloads = [.. Left.Concat(Right).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)), Convert.ToHexString(model), Convert.ToBase64String(model)];
        foreach (Activity span in spans)
        {
            foreach ((string key, object? value) in span.TagObjects)
            {
                string text = value is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
                Assert.DoesNotContain(payloads, p => text.Contains(p, StringComparison.OrdinalIgnoreCase) && text.Length > 4);
                Assert.False(value is byte[] or float[] or Array, $"Span {span.OperationName} tag {key} holds an array.");
            }
        }
    }

    private static async Task<byte[]> PostAsync(HttpClient client, string route, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(ProtocolMediaTypes.Cbor);
        using HttpResponseMessage response = await client.PostAsync(new Uri(route, UriKind.Relative), content);
        byte[] bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.IsSuccessStatusCode, $"{route}: {(int)response.StatusCode}");
        return bytes;
    }
}
