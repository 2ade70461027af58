using System.Formats.Cbor;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Attestation.RaTls;
using BlindAI.Client;
using BlindAI.Client.Attestation;
using BlindAI.Client.Connection;
using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.RaTls;
using BlindAI.Enclave.Simulation;
using BlindAI.Security.Tests.Support;
using BlindAI.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BlindAI.Security.Tests;

/// <summary>
/// Issue #12, items 3 and 6 on the client side: fresh nonce-bound evidence by default (a man in the middle cannot strip
/// it), the RA-TLS certificate's validity window and report-data format, the DICE nonce claim, one pinned key per origin
/// in the RA-TLS handler, and no unpinned policy without its named relaxation. Each attack ends in a typed refusal before
/// any model or data (or, for the handler, any request) reaches a server.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Category", "Security")]
public sealed class ClientFreshnessAttackTests(HostFixture fixture)
{
    [Fact]
    public async Task Man_in_the_middle_stripping_the_fresh_evidence_offer_does_not_stop_the_client_asking_for_it()
    {
        SimulatedHost host = fixture.Host;
        await using UntrustedInterceptor attacker = await UntrustedInterceptor.StartAsync(host.UntrustedPort);
        // The offer (the capabilities of GET /version) travels in plain HTTP: the attacker hides it.
        attacker.HiddenPaths.Add("/version");
        BlindAIClientOptions options = host.ClientOptions();
        options.UntrustedPort = attacker.Port;
        host.Requests.Clear();

        await using BlindAIClient client = await BlindAIClient.ConnectAsync(options);

        // With the default options the client asked anyway, and the genuine enclave proved liveness.
        Assert.True(client.Attestation.FreshnessVerified);
        Assert.NotNull(client.Attestation.FreshVerification);
        Assert.False(client.Attestation.FreshEvidenceSkipped);
        Assert.Contains(host.Requests.All, r => r.Method == "POST" && r.Path == "/evidence" && r.Port == host.UntrustedPort);
    }

    [Fact]
    public async Task Man_in_the_middle_posing_as_an_original_server_without_fresh_evidence_is_refused_before_any_data()
    {
        SimulatedHost host = fixture.Host;
        await using UntrustedInterceptor attacker = await UntrustedInterceptor.StartAsync(host.UntrustedPort);
        // What an attacker replaying old evidence needs: the client must not ask for a quote over its own nonce. It makes
        // the server look like an original BlindAI 0.6 one, which has neither route.
        attacker.HiddenPaths.Add("/version");
        attacker.HiddenPaths.Add("/evidence");
        BlindAIClientOptions options = host.ClientOptions();
        options.UntrustedPort = attacker.Port;
        host.Requests.Clear();

        AttestationException error = await Attack.AssertRefusedAsync(host, options, AttestationFailureReason.EvidenceMissing, VerificationStep.Freshness);

        Assert.Contains(nameof(FreshEvidenceMode.InsecureSkipForOriginalServers), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Original_server_mode_skips_fresh_evidence_only_when_named_and_the_report_says_so()
    {
        SimulatedHost host = fixture.Host;
        await using UntrustedInterceptor original = await UntrustedInterceptor.StartAsync(host.UntrustedPort);
        original.HiddenPaths.Add("/version");
        original.HiddenPaths.Add("/evidence");
        BlindAIClientOptions options = host.ClientOptions();
        options.UntrustedPort = original.Port;
        options.FreshEvidence = FreshEvidenceMode.InsecureSkipForOriginalServers;

        await using (BlindAIClient client = await BlindAIClient.ConnectAsync(options))
        {
            Assert.True(client.Attestation.FreshEvidenceSkipped);
            Assert.False(client.Attestation.FreshnessVerified);
            Assert.Null(client.Attestation.FreshVerification);
        }

        // The named mode never asks, even a server that offers fresh evidence: what it does does not depend on what the
        // untrusted port says.
        options.UntrustedPort = host.UntrustedPort;
        host.Requests.Clear();
        await using (BlindAIClient client = await BlindAIClient.ConnectAsync(options))
        {
            Assert.True(client.Attestation.FreshEvidenceSkipped);
        }

        Assert.DoesNotContain(host.Requests.All, r => r.Path == "/evidence");
    }

    [Fact]
    public async Task Expired_RA_TLS_certificate_is_refused_before_any_data()
    {
        SimulatedHost host = fixture.Host;
        host.Requests.Clear();
        // The host's certificate is valid for 30 days; the client's clock is 31 days later. Everything else is still
        // valid then (the client's own collateral source signs collateral valid for 90 days), so only the certificate's
        // notAfter can refuse it.
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var later = new FakeTimeProvider(now.AddDays(31));
        ICollateralProvider longLived = Attack.Provider(() => Attack.Resolved(host, new SimulatedCollateralOptions { Validity = new SimulatedValidity(now.AddDays(-1), now.AddDays(90)) }));
        BlindAIClientOptions options = host.ClientOptions();
        options.CollateralProvider = longLived;

        var error = await Assert.ThrowsAsync<AttestationException>(() => new ClientConnector(timeProvider: later).ConnectAsync(options, CancellationToken.None));

        // The generic RA-TLS handler reads the same clock for the certificate it gets in the TLS handshake.
        using var handler = new RaTlsHttpMessageHandler(HandlerOptions(host) with { CollateralProvider = longLived }, later);
        using var http = new HttpClient(handler);
        var handlerError = await Assert.ThrowsAsync<AttestationException>(() => http.PostAsync($"https://127.0.0.1:{host.AttestedPort}/run", new ByteArrayContent([1, 2, 3])));

        Assert.Equal(AttestationFailureReason.Expired, error.Reason);
        Assert.Equal(VerificationStep.CertificateBinding, error.Step);
        Assert.Equal(AttestationFailureReason.Expired, handlerError.Reason);
        Assert.Equal(VerificationStep.CertificateBinding, handlerError.Step);
        Attack.AssertNothingReached(host);
    }

    [Fact]
    public async Task Not_yet_valid_RA_TLS_certificate_is_refused_before_any_data()
    {
        SimulatedHost host = fixture.Host;
        host.Requests.Clear();
        // The certificate starts one hour before the host started; its collateral and PCK chain a day before. Two hours
        // ago only the certificate was not valid yet.
        var earlier = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2));

        var error = await Assert.ThrowsAsync<AttestationException>(() => new ClientConnector(timeProvider: earlier).ConnectAsync(host.ClientOptions(), CancellationToken.None));

        Assert.Equal(AttestationFailureReason.NotYetValid, error.Reason);
        Assert.Equal(VerificationStep.CertificateBinding, error.Step);
        Attack.AssertNothingReached(host);
    }

    [Fact]
    public async Task Legacy_certificate_quote_with_data_after_the_key_hash_is_refused_before_any_request()
    {
        // A genuine quote binding the key in report_data[0..32], but with 32 more bytes after it where the legacy format
        // (Gramine's; report_data = SHA-256(SPKI) || zeros) has zeros: a quote made under another contract, such as a
        // fresh quote over someone's nonce. Gramine's verifier compares only the first 32 bytes; we follow the format.
        SimulatedHost host = fixture.Host;
        byte[] tail = RandomNumberGenerator.GetBytes(32);
        using RaTlsCertificate certificate = await BuildCertificateAsync(host, new RaTlsCertificateOptions { IncludeDiceEvidence = false }, tail);
        await using RaTlsServer server = await RaTlsServer.StartAsync(certificate.Certificate);
        using var handler = new RaTlsHttpMessageHandler(HandlerOptions(host));
        using var http = new HttpClient(handler);

        var error = await Assert.ThrowsAsync<AttestationException>(() => http.PostAsync(server.Url("/run"), new ByteArrayContent([1, 2, 3])));

        Assert.Equal(AttestationFailureReason.CertificateBindingMismatch, error.Reason);
        Assert.Equal(VerificationStep.CertificateBinding, error.Step);
        Assert.Contains(Convert.ToHexStringLower(tail), error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task DICE_evidence_carrying_another_sessions_nonce_is_refused_before_any_request()
    {
        // Interoperable RA-TLS: a "nonce" claim is present only when the certificate was made for a verifier's challenge,
        // and must equal that verifier's nonce. This client sent none: the evidence was minted for another session.
        SimulatedHost host = fixture.Host;
        byte[] otherSessionsNonce = RandomNumberGenerator.GetBytes(32);
        using X509Certificate2 certificate = DiceCertificateWithNonce(host, otherSessionsNonce);
        await using RaTlsServer server = await RaTlsServer.StartAsync(certificate);
        using var handler = new RaTlsHttpMessageHandler(HandlerOptions(host));
        using var http = new HttpClient(handler);

        var error = await Assert.ThrowsAsync<AttestationException>(() => http.PostAsync(server.Url("/run"), new ByteArrayContent([1, 2, 3])));

        Assert.Equal(AttestationFailureReason.NonceMismatch, error.Reason);
        Assert.Equal(VerificationStep.Freshness, error.Step);
        Assert.Equal(Convert.ToHexStringLower(otherSessionsNonce), error.Actual);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task RA_TLS_handler_never_accepts_the_key_attested_for_one_origin_on_another()
    {
        // Two genuine RA-TLS servers under the same root, each with its own key: A (the host's attested port) and B (a
        // server whose certificate the real builder made on the host's platform), B reached through a relay the attacker
        // controls. Once both are attested, the attacker points B's address at A.
        SimulatedHost host = fixture.Host;
        using RaTlsCertificate otherCertificate = await BuildCertificateAsync(host, new RaTlsCertificateOptions(), reportDataTail: null);
        await using RaTlsServer other = await RaTlsServer.StartAsync(otherCertificate.Certificate);
        await using var relay = new TcpRelay(other.Port);
        using var handler = new RaTlsHttpMessageHandler(HandlerOptions(host));
        using var http = new HttpClient(handler);
        var a = new Uri($"https://127.0.0.1:{host.AttestedPort}/no-such-route");
        var b = new Uri($"https://127.0.0.1:{relay.Port}/no-such-route");

        using (HttpResponseMessage response = await http.GetAsync(a))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        using (HttpResponseMessage response = await http.GetAsync(b))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.True(handler.TryGetAttestation(a, out AttestationReport? attestedA));
        Assert.True(handler.TryGetAttestation(b, out AttestationReport? attestedB));
        Assert.NotEqual(attestedA.PublicKeySha256, attestedB.PublicKeySha256);
        Assert.Equal(otherCertificate.PublicKeySha256.ToArray(), attestedB.PublicKeySha256.ToArray());
        Assert.Equal(1, other.Requests);

        relay.SwitchTo(host.AttestedPort);
        host.Requests.Clear();
        var error = await Assert.ThrowsAsync<AttestationException>(() => http.PostAsync(b, new ByteArrayContent([1, 2, 3])));

        Assert.Equal(AttestationFailureReason.CertificateBindingMismatch, error.Reason);
        Assert.Equal(VerificationStep.CertificateBinding, error.Step);
        Assert.Equal(0, host.Requests.RequestsOnPorts(host.AttestedPort));
    }

    [Fact]
    public async Task Unpinned_policy_is_refused_by_options_validation_before_contacting_the_server()
    {
        SimulatedHost host = fixture.Host;
        host.Requests.Clear();
        // MRSIGNER alone pins nothing another product of the same signer cannot reproduce; Strict alone pins nothing.
        AttestationPolicy signerOnly = AttestationPolicy.Strict.RequireMrSigner(Measurement.FromBytes(new SimulatedSgxEnclave().MrSigner.Span));
        foreach (AttestationPolicy unpinned in new[] { AttestationPolicy.Strict, signerOnly })
        {
            BlindAIClientOptions options = host.ClientOptions();
            options.Policy = unpinned;

            var error = await Assert.ThrowsAsync<ArgumentException>(() => BlindAIClient.ConnectAsync(options));
            Assert.Contains("pins no enclave identity", error.Message, StringComparison.Ordinal);
            Assert.Contains("AllowUnpinnedIdentity()", error.Message, StringComparison.Ordinal);

            Assert.Contains(options.GetValidationErrors(), e => e.Contains("pins no enclave identity", StringComparison.Ordinal));
            Assert.Throws<ArgumentException>(() => new RaTlsHttpMessageHandler(HandlerOptions(host) with { Policy = unpinned }));
        }

        Assert.Empty(host.Requests.All);

        // The policy's named relaxation is the one way to trust an unpinned enclave.
        BlindAIClientOptions relaxed = host.ClientOptions();
        relaxed.Policy = AttestationPolicy.Strict.AllowUnpinnedIdentity();
        await using BlindAIClient client = await BlindAIClient.ConnectAsync(relaxed);
        Assert.True(client.Attestation.FreshnessVerified);
    }

    private static RaTlsHandlerOptions HandlerOptions(SimulatedHost host) => new()
    {
        Policy = AttestationPolicy.Strict.RequireMrEnclave(SimulatedHost.SimulatedMrEnclave),
        InsecureSimulationRoot = host.Root,
        CollateralProvider = Attack.Provider(() => Attack.Resolved(host, new SimulatedCollateralOptions())),
    };

    /// <summary>
    /// An RA-TLS certificate from the real builder, with quotes from the host's simulated platform (so they verify under
    /// the root the tests trust); <paramref name="reportDataTail"/> replaces report_data[32..64] when given.
    /// </summary>
    private static async Task<RaTlsCertificate> BuildCertificateAsync(SimulatedHost host, RaTlsCertificateOptions options, byte[]? reportDataTail)
    {
        using SimulatedTeePlatform platform = host.LoadPlatform();
        using var quotes = new SimulatedQuoteProvider(platform);
        IQuoteProvider provider = reportDataTail is null ? quotes : new TailReplacingQuoteProvider(quotes, reportDataTail);
        return await new RaTlsCertificateBuilder(provider).BuildAsync(options, CancellationToken.None);
    }

    /// <summary>DICE evidence as Interoperable RA-TLS defines it, with the optional nonce claim next to pubkey-hash.</summary>
    private static X509Certificate2 DiceCertificateWithNonce(SimulatedHost host, byte[] nonce)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] spkiHash = SHA256.HashData(key.ExportSubjectPublicKeyInfo());
        var hashEntry = new CborWriter(CborConformanceMode.Canonical);
        hashEntry.WriteStartArray(2);
        hashEntry.WriteInt32(1);
        hashEntry.WriteByteString(spkiHash);
        hashEntry.WriteEndArray();
        var claims = new CborWriter(CborConformanceMode.Canonical);
        claims.WriteStartMap(2);
        claims.WriteTextString(RaTlsOids.NonceClaim);
        claims.WriteByteString(nonce);
        claims.WriteTextString(RaTlsOids.PublicKeyHashClaim);
        claims.WriteByteString(hashEntry.Encode());
        claims.WriteEndMap();
        byte[] claimsBytes = claims.Encode();

        byte[] reportData = new byte[64];
        SHA256.HashData(claimsBytes, reportData);
        byte[] quote;
        using (SimulatedTeePlatform platform = host.LoadPlatform())
        {
            quote = platform.CreateQuote(reportData);
        }

        var evidence = new CborWriter(CborConformanceMode.Canonical);
        evidence.WriteTag((CborTag)RaTlsOids.IntelTeeQuoteCborTag);
        evidence.WriteStartArray(2);
        evidence.WriteByteString(quote);
        evidence.WriteByteString(claimsBytes);
        evidence.WriteEndArray();

        var request = new CertificateRequest("CN=BlindAI RA-TLS", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509Extension(RaTlsOids.DiceTaggedEvidence, evidence.Encode(), critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>Quotes whose report_data[32..64] is replaced: the key hash stays bound, the format's zeros do not.</summary>
    private sealed class TailReplacingQuoteProvider(IQuoteProvider inner, byte[] tail) : IQuoteProvider
    {
        public QuoteProviderKind Kind => inner.Kind;

        public Task<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken)
        {
            byte[] replaced = reportData.ToArray();
            tail.CopyTo(replaced, 32);
            return inner.GetQuoteAsync(replaced, cancellationToken);
        }
    }

    /// <summary>An HTTPS server on loopback presenting a given RA-TLS certificate, counting the requests it receives.</summary>
    private sealed class RaTlsServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private RaTlsServer(WebApplication app) => _app = app;

        public int Port { get; private set; }

        public int Requests => Volatile.Read(ref _requests);

        public static async Task<RaTlsServer> StartAsync(X509Certificate2 certificate)
        {
            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
            WebApplication app = builder.Build();
            var server = new RaTlsServer(app);
            app.Run(context =>
            {
                Interlocked.Increment(ref server._requests);
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
            await app.StartAsync();
            server.Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
            return server;
        }

        public Uri Url(string path) => new($"https://127.0.0.1:{Port}{path}");

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
