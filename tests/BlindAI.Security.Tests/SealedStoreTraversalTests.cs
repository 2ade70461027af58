using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using BlindAI.Client;
using BlindAI.Client.Models;
using BlindAI.Enclave.Sealing;
using BlindAI.Inference.Persistence;
using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Problems;
using BlindAI.Protocol.Tensors;
using BlindAI.Server.Models;
using BlindAI.Testing;

namespace BlindAI.Security.Tests;

/// <summary>
/// Model-name and model-id path traversal in the sealed model store: whatever a client names its model or sends as an
/// id, the store writes only <c>&lt;32 hex digits&gt;.meta</c> and <c>.model</c> files inside its own folder, the name
/// stays data (sealed, never a path), and an id that is not a UUID is refused before any file is touched.
/// </summary>
[Trait("Category", "Security")]
public sealed partial class SealedStoreTraversalTests : IAsyncLifetime
{
    private static readonly string[] HostileNames =
    [
        "../../../../../../tmp/blindai-escape",
        "/tmp/blindai-escape-absolute",
        "..\\..\\..\\blindai-escape-windows",
        "models/../../blindai-escape-nested",
        "evil\0name.meta",
        "C:\\Windows\\System32\\blindai-escape",
        new string('a', 20_000),
        "%2e%2e%2f%2e%2e%2fblindai-escape-encoded",
    ];

    private SimulatedHost _host = null!;
    private string _outside = null!;

    public async Task InitializeAsync()
    {
        _host = await SimulatedHost.StartAsync();
        // The folder around a repository's store, for the repository-level attack: any escape would land in it.
        _outside = Directory.CreateTempSubdirectory("blindai-security-outside-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_outside, recursive: true);
    }

    [Fact]
    public async Task Model_name_path_traversal_in_the_sealed_store_writes_nothing_outside_it()
    {
        string[] before = FilesOutsideTheStore();
        await using BlindAIClient client = await BlindAIClient.ConnectAsync(_host.ClientOptions());
        var uploaded = new List<UploadedModel>();

        foreach (string name in HostileNames)
        {
            // Identical bytes share one session; distinct bytes make each upload a new stored model.
            byte[] model = TestModels.Identity(TestModels.Float + (uploaded.Count % 2 == 0 ? 0 : 10));
            UploadedModel result = await client.UploadModelAsync(ModelSource.FromBytes(model), new UploadModelOptions { Name = name });

            // Neutralised: the name is kept as data, exactly.
            Assert.Equal(name, result.Name);
            uploaded.Add(result);
        }

        Assert.Equal(before, FilesOutsideTheStore());
        AssertNoEscape();
        string[] stored = Directory.GetFiles(StoreFolder);
        Assert.Equal(2 * HostileNames.Length, stored.Length);
        Assert.All(stored, path => Assert.Matches(StoredFileName(), Path.GetFileName(path)));
        // Sealed: no name appears on disk in clear.
        Assert.All(stored, path => Assert.DoesNotContain("blindai-escape", Encoding.Latin1.GetString(File.ReadAllBytes(path)), StringComparison.Ordinal));

        // The models are served under their ids.
        Assert.Single(await client.RunModelAsync(uploaded[0].Id, [Tensor.Create<float>([1f, 2f], [2], "X")]));
    }

    [Fact]
    public async Task Model_id_path_traversal_in_run_and_delete_is_refused_before_the_store()
    {
        await using BlindAIClient client = await BlindAIClient.ConnectAsync(_host.ClientOptions());
        UploadedModel victim = await client.UploadModelAsync(ModelSource.FromBytes(TestModels.Subtract()));
        string[] stored = [.. Directory.GetFiles(StoreFolder).Order(StringComparer.Ordinal)];

        // A client with any TLS stack talks to the genuine host directly and writes its own CBOR.
        using var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true, TargetHost = ProtocolRoutes.CertificateHostName } };
        using var http = new HttpClient(handler);
        string[] hostileIds =
        [
            "../../../../etc/passwd", "/etc/passwd", victim.Id + "/../" + victim.Id, "..\\" + victim.Id, victim.Id + "\0", victim.Id.ToString() + ".meta",
            "%2e%2e%2f" + victim.Id, new string('0', 10_000),
        ];

        foreach (string id in hostileIds)
        {
            using HttpResponseMessage delete = await PostAsync(http, _host.ManagementPort, ProtocolRoutes.Delete, MessageCodec.Default.EncodeDeleteModel(new DeleteModel(id)));
            using HttpResponseMessage run = await PostAsync(http, _host.AttestedPort, ProtocolRoutes.Run, MessageCodec.Default.EncodeRunModel(
                new RunModel(id, string.Empty, [Tensor.Create<float>([1f], [1], "A")])));

            Assert.Equal(HttpStatusCode.BadRequest, delete.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, run.StatusCode);
            foreach (ProblemDetails problem in new[] { await ProblemAsync(delete), await ProblemAsync(run) })
            {
                Assert.Equal(ProblemCode.BadRequest, problem.Code);
                Assert.Equal("invalid-model-reference", problem.Extensions["reason"]);
            }
        }

        Assert.Equal(stored, Directory.GetFiles(StoreFolder).Order(StringComparer.Ordinal));
        Tensor[] inputs = [Tensor.Create<float>([1, 1, 1, 1, 1, 1], [2, 3], "A"), Tensor.Create<float>([1, 1, 1, 1, 1, 1], [2, 3], "B")];
        Assert.Single(await client.RunModelAsync(victim.Id, inputs));
    }

    [Fact]
    public async Task Model_name_path_traversal_in_the_directory_repository_is_neutralised()
    {
        string store = Path.Combine(_outside, "store");
        var repository = new DirectoryModelRepository(store, HostSealing());

        foreach (string name in HostileNames)
        {
            var model = new StoredModel { Id = Guid.NewGuid(), Sha256 = new string('0', 64), Name = name, Optimize = false, UploadedAt = DateTimeOffset.UnixEpoch };
            await repository.SaveAsync(model, "model bytes"u8.ToArray());

            Assert.Equal(name, (await repository.ReadRecordAsync(model.Id))!.Name);
        }

        Assert.Equal([store], Directory.GetFileSystemEntries(_outside));
        AssertNoEscape();
        Assert.All(Directory.GetFiles(store), path => Assert.Matches(StoredFileName(), Path.GetFileName(path)));
        Assert.Empty(Directory.GetDirectories(store));

        // A link planted in the store (an operator's attempt to make the store read or delete elsewhere) is ignored.
        string target = Path.Combine(_outside, "precious");
        await File.WriteAllTextAsync(target, "not a model");
        Guid planted = Guid.NewGuid();
        File.CreateSymbolicLink(Path.Combine(store, planted.ToString("N") + ".meta"), target);
        File.CreateSymbolicLink(Path.Combine(store, planted.ToString("N") + ".model"), target);

        Assert.DoesNotContain(planted, await repository.ListAsync());
        Assert.Null(await repository.ReadRecordAsync(planted));
        Assert.Null(await repository.ReadAsync(planted));
        Assert.Equal("not a model", await File.ReadAllTextAsync(target));
    }

    [Fact]
    public async Task A_link_planted_under_the_temporary_name_is_not_written_through()
    {
        string store = Path.Combine(_outside, "store");
        var repository = new DirectoryModelRepository(store, HostSealing());
        string target = Path.Combine(_outside, "precious");
        await File.WriteAllTextAsync(target, "not a model");

        // The id is predictable to an operator who watches the store; the writer must not follow a link under ".tmp".
        var model = new StoredModel { Id = Guid.NewGuid(), Sha256 = new string('0', 64), Name = "victim", Optimize = false, UploadedAt = DateTimeOffset.UnixEpoch };
        File.CreateSymbolicLink(Path.Combine(store, model.Id.ToString("N") + ".model.tmp"), target);
        File.CreateSymbolicLink(Path.Combine(store, model.Id.ToString("N") + ".meta.tmp"), target);
        await repository.SaveAsync(model, "model bytes"u8.ToArray());

        Assert.Equal("not a model", await File.ReadAllTextAsync(target));
        Assert.Equal("model bytes"u8.ToArray(), await repository.ReadAsync(model.Id));
        Assert.All(Directory.GetFiles(store), path => Assert.Null(new FileInfo(path).LinkTarget));
    }

    private string StoreFolder => Path.Combine(_host.DataDirectory, "models");

    /// <summary>The host's own sealing (its simulation key file), as its model store uses it.</summary>
    private SealedModelBlobProtector HostSealing() => new(new SealedBlobProtector(
        new FileSealingKeyProvider(new FileSealingKeyProviderOptions { KeyFile = Path.Combine(_host.DataDirectory, "simulation", "sealing.key") })));

    /// <summary>The host's data folder without its store: only the host's own files, which no upload may change.</summary>
    private string[] FilesOutsideTheStore() =>
        [.. Directory.GetFiles(_host.DataDirectory, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(StoreFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    /// <summary>
    /// Where a hostile name would land if it were used as a path: next to the data folder, in the temporary folder, in
    /// the working directory and its parent (relative paths), and at the absolute paths the names spell.
    /// </summary>
    private void AssertNoEscape()
    {
        string[] places =
        [
            Path.GetDirectoryName(_host.DataDirectory)!, Path.GetTempPath(), Environment.CurrentDirectory,
            Path.GetDirectoryName(Environment.CurrentDirectory)!, _host.DataDirectory,
        ];
        foreach (string place in places.Distinct())
        {
            Assert.Empty(Directory.GetFileSystemEntries(place, "*blindai-escape*"));
            Assert.Empty(Directory.GetFileSystemEntries(place, "evil*"));
        }

        Assert.False(File.Exists("/tmp/blindai-escape") || File.Exists("/tmp/blindai-escape-absolute"));
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, int port, string route, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(ProtocolMediaTypes.Cbor);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"https://127.0.0.1:{port}{route}")) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(ProtocolMediaTypes.ProblemJson));
        return await http.SendAsync(request);
    }

    private static async Task<ProblemDetails> ProblemAsync(HttpResponseMessage response) =>
        new ProblemDetailsSerializer().FromJson(await response.Content.ReadAsByteArrayAsync());

    [GeneratedRegex("^[0-9a-f]{32}\\.(meta|model)$")]
    private static partial Regex StoredFileName();
}
