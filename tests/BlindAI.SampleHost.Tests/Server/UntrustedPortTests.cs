using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.RaTls;
using BlindAI.Enclave.RaTls;
using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.SampleHost.Tests.Support;

namespace BlindAI.SampleHost.Tests.Server;

/// <summary>The untrusted port: certificate, quote, collateral, fresh evidence, capabilities and health, over real HTTP.</summary>
public sealed class UntrustedPortTests : IClassFixture<SimulationHostFixture>
{
    private readonly RunningHost _host;

    public UntrustedPortTests(SimulationHostFixture fixture) => _host = fixture.Host;

    [Fact]
    public async Task Root_serves_the_certificate_DER_as_a_CBOR_byte_string_with_the_simulation_server_header()
    {
        using HttpResponseMessage response = await _host.Untrusted.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ProtocolMediaTypes.Cbor, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ProtocolRoutes.SimulationServerHeader, string.Join(" ", response.Headers.GetValues("Server")));
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(0x59, body[0]); // major type 2 (byte string), two-byte length: a 9–10 KB certificate
        using var certificate = X509CertificateLoader.LoadCertificate(MessageCodec.Default.DecodeCertificate(body).Span);
        Assert.Contains(ProtocolRoutes.CertificateHostName, certificate.GetNameInfo(X509NameType.DnsName, forIssuer: false), StringComparison.Ordinal);
        Assert.Equal("1.2.840.10045.2.1", certificate.PublicKey.Oid.Value); // EC key, as rcgen's default
    }

    [Fact]
    public async Task Attested_and_management_ports_present_exactly_the_served_certificate_whose_evidence_binds_its_key()
    {
        using HttpResponseMessage attested = await _host.Attested.GetAsync("/");
        Assert.Equal(HttpStatusCode.NotFound, attested.StatusCode); // the original client only needs the handshake
        Assert.Equal(_host.CertificateDer, _host.PresentedCertificate!.RawData);
        using HttpResponseMessage management = await _host.Management.GetAsync("/");
        Assert.Equal(HttpStatusCode.NotFound, management.StatusCode);
        Assert.Equal(_host.CertificateDer, _host.PresentedCertificate!.RawData);

        using var certificate = X509CertificateLoader.LoadCertificate(_host.CertificateDer);
        byte[] spkiHash = SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo());
        X509Extension legacy = certificate.Extensions[RaTlsOids.LegacySgxQuote]
            ?? throw new Xunit.Sdk.XunitException("no legacy RA-TLS evidence");
        Quote quote = Quote.Parse(legacy.RawData);
        Assert.Equal(spkiHash, quote.ReportData.Span[..32].ToArray());
        Assert.Equal(TeeType.Sgx, RaTlsCertificateReader.ReadBoundQuote(certificate).TeeType); // the shared reader finds the key bound
        Assert.NotNull(certificate.Extensions[RaTlsOids.DiceTaggedEvidence]);
        AssertSignedBySimulatedPlatform(quote);
    }

    [Fact]
    public async Task Quote_binds_the_exact_served_DER_as_the_original_server_did()
    {
        using HttpResponseMessage response = await _host.Untrusted.GetAsync("/quote");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Quote quote = Quote.Parse(MessageCodec.Default.DecodeQuote(await response.Content.ReadAsByteArrayAsync()).Span);
        Assert.Equal(SHA256.HashData(_host.CertificateDer), quote.ReportData.Span[..32].ToArray());
        Assert.True(quote.ReportData.Span[32..].IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal(TeeType.Sgx, quote.TeeType);
        AssertSignedBySimulatedPlatform(quote);
    }

    [Fact]
    public async Task Collateral_has_the_ten_original_fields_from_the_simulated_platform()
    {
        using HttpResponseMessage response = await _host.Untrusted.GetAsync("/collateral");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        SgxCollateral collateral = MessageCodec.Default.DecodeCollateral(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(3u, collateral.Version);
        Assert.StartsWith("{\"tcbInfo\":", collateral.TcbInfo, StringComparison.Ordinal);
        Assert.StartsWith("{\"enclaveIdentity\":", collateral.QeIdentity, StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN X509 CRL-----", collateral.RootCaCrl, StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN X509 CRL-----", collateral.PckCrl, StringComparison.Ordinal);
        using var pck = X509Certificate2.CreateFromPem(collateral.PckCertificate);
        Quote quote = Quote.Parse(MessageCodec.Default.DecodeQuote(await _host.Untrusted.GetByteArrayAsync("/quote")).Span);
        Assert.Equal(quote.SignatureData.PckCertificateChain.Leaf.RawData, pck.RawData);
        Assert.Contains(SimulationRoot().ExportCertificatePem().Trim(), collateral.TcbInfoIssuerChain, StringComparison.Ordinal);

        // Served from the cache until nextUpdate: the same signed bytes twice.
        SgxCollateral again = MessageCodec.Default.DecodeCollateral(await _host.Untrusted.GetByteArrayAsync("/collateral"));
        Assert.Equal(collateral.TcbInfo, again.TcbInfo);
    }

    [Fact]
    public async Task Fresh_evidence_binds_the_certificate_key_and_the_client_nonce()
    {
        byte[] request = RandomNumberGenerator.GetBytes(FreshEvidenceReply.NonceLength);
        using HttpResponseMessage response = await _host.Untrusted.SendAsync(
            RunningHost.Post(ProtocolRoutes.Evidence, MessageCodec.Default.EncodeFreshEvidenceRequest(request)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        FreshEvidenceReply reply = MessageCodec.Default.DecodeFreshEvidenceReply(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(FreshEvidenceReply.SimulatedDcapQuoteFormat, reply.Format);
        Assert.Equal(request, reply.Nonce.ToArray());
        Quote quote = Quote.Parse(reply.Evidence.Span);
        using var certificate = X509CertificateLoader.LoadCertificate(_host.CertificateDer);
        Assert.Equal(FreshQuoteService.ComputeReportData(certificate.PublicKey.ExportSubjectPublicKeyInfo(), request), quote.ReportData.Span.ToArray());
        AssertSignedBySimulatedPlatform(quote);
    }

    [Fact]
    public async Task Version_reports_the_protocol_extensions_and_simulation()
    {
        using HttpResponseMessage response = await _host.Untrusted.GetAsync("/version");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        ServerCapabilities capabilities = MessageCodec.Default.DecodeServerCapabilities(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(ServerCapabilities.BaseProtocol, capabilities.Protocol);
        Assert.True(capabilities.Simulation);
        Assert.Contains(ServerCapabilities.FreshEvidenceExtension, capabilities.Extensions);
        Assert.Contains(ServerCapabilities.ProblemDetailsExtension, capabilities.Extensions);
        Assert.DoesNotContain(ServerCapabilities.ManagementAuthorizationExtension, capabilities.Extensions);
        Assert.Contains("F32", capabilities.DatumTypes);
        Assert.Contains("Bool", capabilities.DatumTypes);
    }

    [Fact]
    public async Task Liveness_and_readiness_answer_on_the_untrusted_port_only()
    {
        Assert.Equal(HttpStatusCode.OK, (await _host.Untrusted.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Untrusted.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Attested.GetAsync("/readyz")).StatusCode);
    }

    [Theory]
    [InlineData("GET", "/run")]
    [InlineData("POST", "/run")]
    [InlineData("POST", "/")]
    [InlineData("POST", "/upload")]
    [InlineData("GET", "/nothing")]
    public async Task Routes_of_other_ports_and_wrong_methods_are_an_empty_404_as_in_the_original(string method, string path)
    {
        using HttpResponseMessage response = await _host.Untrusted.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent([0xa0]) });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Null(response.Content.Headers.ContentType);
    }

    [Fact]
    public async Task Unknown_routes_are_problem_details_for_clients_that_ask()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/nothing");
        request.Headers.Accept.ParseAdd(ProtocolMediaTypes.ProblemJson);
        using HttpResponseMessage response = await _host.Untrusted.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("urn:blindai:problem:not-found", (await Wire.ProblemAsync(response)).Type);
    }

    private X509Certificate2 SimulationRoot() => X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_host.DataDirectory, "simulation-root.pem")));

    // The quote's PCK chain ends at the simulation root the host wrote for clients, and the attestation key signed the quote.
    private void AssertSignedBySimulatedPlatform(Quote quote)
    {
        using X509Certificate2 root = SimulationRoot();
        Assert.Equal(root.RawData, quote.SignatureData.PckCertificateChain.Root.RawData);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.Add(quote.SignatureData.PckCertificateChain.Intermediate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(quote.SignatureData.PckCertificateChain.Leaf), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        using ECDsa key = quote.SignatureData.AttestationKey.CreateEcdsa();
        Assert.True(key.VerifyData(quote.SignedRegion.Span, quote.SignatureData.Signature.Raw.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }
}
