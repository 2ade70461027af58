using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation.Quotes;
using BlindAI.Enclave;
using BlindAI.Enclave.Quoting;
using BlindAI.Enclave.RaTls;
using BlindAI.Enclave.Simulation;
using BlindAI.Protocol;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Problems;
using BlindAI.Server.Attestation;
using BlindAI.Server.Configuration;
using BlindAI.SampleHost;
using BlindAI.Server;
using BlindAI.Server.Hosting;
using BlindAI.Server.Problems;
using BlindAI.SampleHost.Tests.Support;
using BlindAI.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BlindAI.SampleHost.Tests.Server;

/// <summary>
/// The RA-TLS certificate's lifetime: the host renews key, certificate and quotes at a fraction of the validity (2/3 by
/// default), serves the new identity everywhere at once, keeps the old one while renewal fails, and never serves an
/// expired one. Time is a <see cref="FakeTimeProvider"/> shared by the host (the renewal schedule, the builder's
/// validity window).
/// </summary>
public sealed class CertificateRenewalTests
{
    private const int ScheduledEvent = 60;
    private const int RenewedEvent = 61;
    private const int RenewalFailedEvent = 62;
    private const int ExpiredEvent = 63;
    private static readonly TimeSpan Validity = new RaTlsCertificateOptions().Validity;

    [Fact]
    public async Task Host_renews_at_two_thirds_of_validity_and_serves_only_the_new_certificate_with_quotes_bound_to_its_key()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using RunningHost host = await RunningHost.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        await WaitForEventAsync(host, ScheduledEvent, 1);
        byte[] first = await CertificateDerAsync(host);
        Assert.Equal(first, await HandshakeCertificateAsync(host, ListenerRole.Attested));

        // One minute before two thirds of the validity: nothing changes.
        clock.Advance((Validity * 2 / 3) - TimeSpan.FromMinutes(1));
        await Task.Delay(200);
        Assert.Equal(first, await CertificateDerAsync(host));
        Assert.Equal(0, host.Logs.Entries.Count(e => e.EventId == RenewedEvent));

        clock.Advance(TimeSpan.FromMinutes(2));
        await WaitForEventAsync(host, RenewedEvent, 1);

        byte[] renewed = await CertificateDerAsync(host);
        Assert.NotEqual(first, renewed);
        using var oldCertificate = X509CertificateLoader.LoadCertificate(first);
        using var newCertificate = X509CertificateLoader.LoadCertificate(renewed);
        byte[] newSpki = newCertificate.PublicKey.ExportSubjectPublicKeyInfo();
        Assert.NotEqual(oldCertificate.PublicKey.ExportSubjectPublicKeyInfo(), newSpki);

        // Valid from the renewal (minus the clock-skew allowance) for a whole validity period again.
        Assert.Equal(clock.GetUtcNow() + Validity, new DateTimeOffset(newCertificate.NotAfter.ToUniversalTime()), TimeSpan.FromSeconds(2));

        // Every place serves the new identity: both TLS ports, /quote (bound to the new DER), fresh evidence (new key).
        Assert.Equal(renewed, await HandshakeCertificateAsync(host, ListenerRole.Attested));
        Assert.Equal(renewed, await HandshakeCertificateAsync(host, ListenerRole.Management));
        Quote compatibilityQuote = Quote.Parse(MessageCodec.Default.DecodeQuote(await host.Untrusted.GetByteArrayAsync(ProtocolRoutes.Quote)).Span);
        Assert.Equal(SHA256.HashData(renewed), compatibilityQuote.ReportData.Span[..32].ToArray());
        Assert.Equal(SHA256.HashData(newSpki), Quote.Parse(newCertificate.Extensions[BlindAI.Attestation.RaTls.RaTlsOids.LegacySgxQuote]!.RawData).ReportData.Span[..32].ToArray());
        byte[] request = RandomNumberGenerator.GetBytes(FreshEvidenceReply.NonceLength);
        using HttpResponseMessage evidence = await host.Untrusted.SendAsync(RunningHost.Post(ProtocolRoutes.Evidence, MessageCodec.Default.EncodeFreshEvidenceRequest(request)));
        Assert.Equal(HttpStatusCode.OK, evidence.StatusCode);
        Quote fresh = Quote.Parse(MessageCodec.Default.DecodeFreshEvidenceReply(await evidence.Content.ReadAsByteArrayAsync()).Evidence.Span);
        Assert.Equal(FreshQuoteService.ComputeReportData(newSpki, request), fresh.ReportData.Span.ToArray());

        // And the next renewal is scheduled from the new certificate.
        await WaitForEventAsync(host, ScheduledEvent, 2);
        RunningHost.AssertNoErrorLogged(host);
    }

    [BlindAI.SampleHost.Tests.Packaging.OriginalPythonClientFact]
    public async Task The_original_Python_client_connects_and_runs_before_and_after_a_renewal()
    {
        // The original 0.6 client reads GET / and pins that certificate for its session; a client that connects after
        // a renewal must get the new certificate, and its TLS connections must present that same one. Real time, not a
        // fake clock: the client's TLS stack checks the pinned certificate's validity against its own clock. A 40 s
        // certificate renewed at half its validity.
        var settings = new Dictionary<string, string?>
        {
            ["BlindAI:Enclave:Certificate:Validity"] = "00:00:40",
            ["BlindAI:CertificateRenewalFraction"] = "0.5",
        };
        await using RunningHost host = await RunningHost.StartAsync(settings);
        await WaitForEventAsync(host, ScheduledEvent, 1);
        string model = Path.Combine(host.DataDirectory, "subtract.onnx");
        await File.WriteAllBytesAsync(model, TestModels.Subtract());
        byte[] first = await CertificateDerAsync(host);

        CommandResult before = await RunOriginalClientAsync(host, model);
        await WaitForEventAsync(host, RenewedEvent, 1);
        Assert.NotEqual(first, await CertificateDerAsync(host));
        CommandResult after = await RunOriginalClientAsync(host, model);

        Assert.True(before.ExitCode == 0, $"The original Python client failed before the renewal: {before}");
        Assert.True(after.ExitCode == 0, $"The original Python client failed after the renewal: {after}");
        Assert.Equal(Enumerable.Repeat(-500.0, 6), BlindAI.SampleHost.Tests.Packaging.OriginalPythonClient.SubtractOutputs(after));
        RunningHost.AssertNoErrorLogged(host);
    }

    private static Task<CommandResult> RunOriginalClientAsync(RunningHost host, string model) =>
        BlindAI.SampleHost.Tests.Packaging.OriginalPythonClient.RunSubtractAsync(
            model,
            host.Listeners.GetEndPoint(ListenerRole.Untrusted).Port,
            host.AttestedUri.Port,
            host.ManagementUri.Port,
            host.DataDirectory);

    [Fact]
    public async Task Renewal_fraction_comes_from_configuration()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = new Dictionary<string, string?> { ["BlindAI:CertificateRenewalFraction"] = "0.5" };
        await using RunningHost host = await RunningHost.StartAsync(settings, services: s => s.AddSingleton<TimeProvider>(clock));
        await WaitForEventAsync(host, ScheduledEvent, 1);
        byte[] first = await CertificateDerAsync(host);

        clock.Advance((Validity / 2) + TimeSpan.FromMinutes(1));
        await WaitForEventAsync(host, RenewedEvent, 1);

        Assert.NotEqual(first, await CertificateDerAsync(host));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("-0.5")]
    [InlineData("1.5")]
    [InlineData("NaN")]
    public async Task Renewal_fraction_outside_zero_to_one_is_refused_at_start(string fraction)
    {
        var settings = new Dictionary<string, string?> { ["BlindAI:CertificateRenewalFraction"] = fraction };

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => RunningHost.StartAsync(settings));

        Assert.Contains(error.Failures, f => f.Contains(nameof(BlindAIServerOptions.CertificateRenewalFraction), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failed_renewal_keeps_the_old_certificate_and_retries_with_backoff_until_it_succeeds()
    {
        var clock = new ObservedClock();
        await using RenewalRig rig = await RenewalRig.StartAsync(clock);
        ServerIdentitySnapshot original = rig.Identity.Current;
        rig.Quotes.FailuresLeft = 2;
        await clock.WaitForTimersAsync(1);

        clock.Advance(original.RenewalDueAt(CertificateRenewalService.DefaultRenewalFraction) - clock.GetUtcNow());
        await rig.WaitForEventAsync(RenewalFailedEvent, 1);

        // The quote provider failed: the old certificate, with its quote, is still the one served.
        Assert.Same(original, rig.Identity.Current);
        Assert.True(rig.Identity.IsReady);
        Assert.Contains(rig.Logs.Entries, e => e.EventId == RenewalFailedEvent && e.Level == LogLevel.Error && e.Message.Contains(original.Certificate.Thumbprint, StringComparison.Ordinal));

        // The first retry comes 30 s later and fails again; the next waits twice as long (backoff), then succeeds.
        await clock.WaitForTimersAsync(2);
        clock.Advance(CertificateRenewalService.InitialRetryDelay);
        await rig.WaitForEventAsync(RenewalFailedEvent, 2);
        Assert.Same(original, rig.Identity.Current);
        await clock.WaitForTimersAsync(3);
        clock.Advance(CertificateRenewalService.InitialRetryDelay);
        await Task.Delay(200);
        Assert.Same(original, rig.Identity.Current);
        Assert.Equal(0, rig.Logs.Entries.Count(e => e.EventId == RenewedEvent));
        clock.Advance(CertificateRenewalService.InitialRetryDelay);
        await rig.WaitForEventAsync(RenewedEvent, 1);

        ServerIdentitySnapshot renewed = rig.Identity.Current;
        Assert.NotSame(original, renewed);
        Assert.NotEqual(original.Certificate.RawData, renewed.Certificate.RawData);
        Assert.Equal(SHA256.HashData(renewed.Certificate.RawData), Quote.Parse(renewed.Quote).ReportData.Span[..32].ToArray());
        Assert.Equal(SHA256.HashData(renewed.Certificate.PublicKey.ExportSubjectPublicKeyInfo()), renewed.RaTlsCertificate.PublicKeySha256.ToArray());
        Assert.Equal(renewed.Quote, MessageCodec.Default.DecodeQuote(renewed.QuoteBody).ToArray());
        Assert.Equal(renewed.Certificate.RawData, MessageCodec.Default.DecodeCertificate(renewed.CertificateBody).ToArray());
    }

    [Fact]
    public async Task Certificate_is_never_served_after_it_expires_when_every_renewal_failed()
    {
        var clock = new ObservedClock();
        await using RenewalRig rig = await RenewalRig.StartAsync(clock);
        ServerIdentitySnapshot original = rig.Identity.Current;
        rig.Quotes.FailuresLeft = int.MaxValue;
        await clock.WaitForTimersAsync(1);

        // One second before notAfter it is still served (a client would still accept it)...
        clock.Advance(original.NotAfter - clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        await rig.WaitForEventAsync(RenewalFailedEvent, 1);
        Assert.Same(original, rig.Identity.Current);

        // ...from notAfter on it is refused: Kestrel's certificate selector and every evidence route read Current.
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(rig.Identity.IsReady);
        Assert.True(rig.Identity.HasExpired);
        HostProblemException error = Assert.Throws<HostProblemException>(() => rig.Identity.Current);
        Assert.Equal(ProblemCode.AttestationUnavailable, error.Code);

        // The next failed attempt says so at critical level.
        await clock.WaitForTimersAsync(2);
        clock.Advance(CertificateRenewalService.MaxRetryDelay);
        await rig.WaitForEventAsync(ExpiredEvent, 1);
    }

    [Fact]
    public async Task Expired_certificate_fails_the_handshake_and_the_evidence_and_health_routes_of_a_running_host()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using RunningHost host = await RunningHost.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        await WaitForEventAsync(host, ScheduledEvent, 1);
        ServerIdentitySnapshot original = host.App.Services.GetRequiredService<ServerIdentity>().Current;

        // No renewal happens (as when every attempt failed): the service is stopped, the clock reaches notAfter.
        await host.App.Services.GetServices<IHostedService>().OfType<CertificateRenewalService>().Single().StopAsync(CancellationToken.None);
        clock.Advance(original.NotAfter - clock.GetUtcNow());

        await Assert.ThrowsAnyAsync<IOException>(() => HandshakeCertificateAsync(host, ListenerRole.Attested));
        await Assert.ThrowsAnyAsync<IOException>(() => HandshakeCertificateAsync(host, ListenerRole.Management));
        foreach (string route in new[] { ProtocolRoutes.Certificate, ProtocolRoutes.Quote, UntrustedEndpointsRoutes.Ready, UntrustedEndpointsRoutes.Live })
        {
            using HttpResponseMessage response = await host.Untrusted.GetAsync(route);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        byte[] request = RandomNumberGenerator.GetBytes(FreshEvidenceReply.NonceLength);
        using HttpResponseMessage evidence = await host.Untrusted.SendAsync(RunningHost.Post(ProtocolRoutes.Evidence, MessageCodec.Default.EncodeFreshEvidenceRequest(request)));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, evidence.StatusCode);
    }

    private static async Task<byte[]> CertificateDerAsync(RunningHost host) =>
        MessageCodec.Default.DecodeCertificate(await host.Untrusted.GetByteArrayAsync(ProtocolRoutes.Certificate)).ToArray();

    private static async Task<byte[]> HandshakeCertificateAsync(RunningHost host, ListenerRole role)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, host.Listeners.GetEndPoint(role).Port);
        byte[]? presented = null;
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = ProtocolRoutes.CertificateHostName,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                presented = certificate?.GetRawCertData();
                return presented is not null;
            },
        });
        return presented!;
    }

    private static async Task WaitForEventAsync(RunningHost host, int eventId, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (host.Logs.Entries.Count(e => e.EventId == eventId && e.Category == typeof(CertificateRenewalService).FullName) < count)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>The health routes, as the host maps them.</summary>
    private static class UntrustedEndpointsRoutes
    {
        public const string Live = BlindAI.Server.Endpoints.UntrustedEndpoints.Live;
        public const string Ready = BlindAI.Server.Endpoints.UntrustedEndpoints.Ready;
    }

    /// <summary>A fake clock that counts the timers made on it, so a test advances it only once the service waits.</summary>
    private sealed class ObservedClock() : FakeTimeProvider(DateTimeOffset.UtcNow)
    {
        private int _timers;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return base.CreateTimer(callback, state, dueTime, period);
        }

        public async Task WaitForTimersAsync(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (Volatile.Read(ref _timers) < count)
            {
                await Task.Delay(10, timeout.Token);
            }
        }
    }

    /// <summary>The simulated platform's quotes, failing on demand as an unreachable quoting enclave would.</summary>
    private sealed class FlakyQuoteProvider(IQuoteProvider inner) : IQuoteProvider
    {
        private int _failuresLeft;

        public int FailuresLeft
        {
            get => Volatile.Read(ref _failuresLeft);
            set => Volatile.Write(ref _failuresLeft, value);
        }

        public QuoteProviderKind Kind => inner.Kind;

        public Task<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken)
        {
            int left = Volatile.Read(ref _failuresLeft);
            if (left > 0)
            {
                Interlocked.Decrement(ref _failuresLeft);
                throw new EvidenceException(EnclaveErrorReason.InvalidQuote, "The quoting enclave did not answer (test).");
            }

            return inner.GetQuoteAsync(reportData, cancellationToken);
        }
    }

    /// <summary>A <see cref="ServerIdentity"/> and its <see cref="CertificateRenewalService"/> on a simulated platform, without Kestrel.</summary>
    private sealed class RenewalRig : IAsyncDisposable
    {
        private readonly SimulatedTeePlatform _platform;
        private readonly SimulatedQuoteProvider _simulated;
        private readonly ILoggerFactory _loggers;
        private readonly CertificateRenewalService _service;

        private RenewalRig(SimulatedTeePlatform platform, SimulatedQuoteProvider simulated, FlakyQuoteProvider quotes, ServerIdentity identity, RecordingLoggerProvider logs, ILoggerFactory loggers, CertificateRenewalService service)
        {
            _platform = platform;
            _simulated = simulated;
            Quotes = quotes;
            Identity = identity;
            Logs = logs;
            _loggers = loggers;
            _service = service;
        }

        public FlakyQuoteProvider Quotes { get; }

        public ServerIdentity Identity { get; }

        public RecordingLoggerProvider Logs { get; }

        public static async Task<RenewalRig> StartAsync(TimeProvider clock)
        {
            SimulatedTeePlatform platform = SimulatedTeePlatform.Create(timeProvider: clock);
            var simulated = new SimulatedQuoteProvider(platform);
            var quotes = new FlakyQuoteProvider(simulated);
            var logs = new RecordingLoggerProvider();
            ILoggerFactory loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
            var options = new RaTlsCertificateOptions();
            var identity = new ServerIdentity(new RaTlsCertificateBuilder(quotes, clock), quotes, options, clock, loggers.CreateLogger<ServerIdentity>());
            await identity.InitializeAsync(CancellationToken.None);
            var service = new CertificateRenewalService(identity, CertificateRenewalService.DefaultRenewalFraction, clock, loggers.CreateLogger<CertificateRenewalService>());
            await service.StartAsync(CancellationToken.None);
            return new RenewalRig(platform, simulated, quotes, identity, logs, loggers, service);
        }

        public async Task WaitForEventAsync(int eventId, int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (Logs.Entries.Count(e => e.EventId == eventId) < count)
            {
                await Task.Delay(10, timeout.Token);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _service.StopAsync(CancellationToken.None);
            _service.Dispose();
            Identity.Dispose();
            _simulated.Dispose();
            _platform.Dispose();
            _loggers.Dispose();
        }
    }
}
