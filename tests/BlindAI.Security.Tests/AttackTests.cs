using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Client;
using BlindAI.Client.Models;
using BlindAI.Client.Tests.Support;
using BlindAI.Enclave.Simulation;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using Microsoft.Extensions.Time.Testing;

namespace BlindAI.Security.Tests;

/// <summary>
/// Each attack must end in a typed <see cref="AttestationException"/> before the server sees any model or data: no
/// upload, run or delete reaches it, and (when attestation fails) not even a TLS connection to its attested ports.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class AttackTests(HostFixture fixture)
{
    private static readonly byte[] TinyModel = Encoding.UTF8.GetBytes("not even a model: it must never be sent");

    [Fact]
    public async Task A_policy_pinning_another_MRENCLAVE_rejects_the_server()
    {
        SimulatedHost host = fixture.Host;
        host.Requests.Clear();
        BlindAIClientOptions options = host.ClientOptions();
        options.Policy = AttestationPolicy.Strict.RequireMrEnclave(Measurement.FromBytes(SHA256.HashData("another enclave"u8)));

        var error = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync("127.0.0.1", options));

        Assert.Equal(AttestationFailureReason.PolicyViolation, error.Reason);
        Assert.Contains(error.Violations, v => v.ToString()!.Contains("MRENCLAVE", StringComparison.OrdinalIgnoreCase));
        AssertNothingReached(host);
    }

    [Fact]
    public async Task A_debug_enclave_is_rejected()
    {
        var debug = new SimulatedPlatformOptions { Enclave = new SimulatedSgxEnclave { AttributeFlags = 0x5 | SimulatedSgxEnclave.DebugFlag } };
        await using SimulatedHost host = await SimulatedHost.StartAsync(debug);

        var error = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync("127.0.0.1", host.ClientOptions()));

        Assert.Equal(AttestationFailureReason.PolicyViolation, error.Reason);
        Assert.Contains(error.Violations, v => v.ToString()!.Contains("debug", StringComparison.OrdinalIgnoreCase));
        AssertNothingReached(host);
    }

    [Fact]
    public async Task An_out_of_date_TCB_is_rejected()
    {
        SimulatedHost host = fixture.Host;
        host.Requests.Clear();
        BlindAIClientOptions options = host.ClientOptions();
        // The client's own collateral source (its "PCS") says this platform's TCB is out of date.
        options.CollateralResolver = (_, _) => Task.FromResult(Collateral(host, new SimulatedCollateralOptions { PlatformTcbStatus = SimulatedTcbStatus.OutOfDate }));

        var error = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync("127.0.0.1", options));

        Assert.Equal(AttestationFailureReason.PolicyViolation, error.Reason);
        Assert.Contains(error.Violations, v => v.ToString()!.Contains("OutOfDate", StringComparison.OrdinalIgnoreCase));
        AssertNothingReached(host);
    }

    [Fact]
    public async Task Expired_collateral_is_rejected()
    {
        SimulatedHost host = fixture.Host;
        host.Requests.Clear();
        // The server's collateral is valid for 30 days; the client's clock is 60 days later.
        var later = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(60));

        var error = await Assert.ThrowsAsync<AttestationException>(() => new BlindAIConnector(timeProvider: later).ConnectAsync("127.0.0.1", host.ClientOptions()));

        Assert.Equal(AttestationFailureReason.Expired, error.Reason);
        AssertNothingReached(host);
    }

    [Fact]
    public async Task Evidence_bound_to_another_key_is_rejected()
    {
        SimulatedHost host = fixture.Host;
        host.Requests.Clear();
        await using UntrustedInterceptor attacker = await UntrustedInterceptor.StartAsync(host.UntrustedPort);
        // The attacker copies the genuine certificate's evidence extensions into a certificate for its own key.
        attacker.Rewrite = (path, _, body) => path == "/" ? MessageCodec.Default.EncodeCertificate(ForgeWithOwnKey(MessageCodec.Default.DecodeCertificate(body).ToArray())) : body;
        BlindAIClientOptions options = host.ClientOptions();
        options.UntrustedPort = attacker.Port;

        var error = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync("127.0.0.1", options));

        Assert.Equal(AttestationFailureReason.CertificateBindingMismatch, error.Reason);
        Assert.Equal(VerificationStep.CertificateBinding, error.Step);
        AssertNothingReached(host);
    }

    [Fact]
    public async Task A_certificate_swapped_after_attestation_is_refused_by_the_pin()
    {
        SimulatedHost genuine = fixture.Host;
        SimulatedHost other = fixture.Other;
        await using var attested = new TcpRelay(genuine.AttestedPort);
        await using var management = new TcpRelay(genuine.ManagementPort);
        BlindAIClientOptions options = genuine.ClientOptions();
        options.AttestedPort = attested.Port;
        options.ManagementPort = management.Port;
        await using BlindAIClient client = await BlindAIClient.ConnectAsync("127.0.0.1", options);
        genuine.Requests.Clear();
        other.Requests.Clear();

        // The network now leads to another server: a genuine simulated enclave too, but not the attested key.
        attested.SwitchTo(other.AttestedPort);
        management.SwitchTo(other.ManagementPort);

        var upload = await Assert.ThrowsAsync<AttestationException>(() => client.UploadModelAsync(ModelSource.FromBytes(TinyModel)));
        var run = await Assert.ThrowsAsync<AttestationException>(() => client.RunModelAsync(ModelId.NewId(), [Protocol.Tensors.Tensor.Create<float>([1f], [1])]));

        Assert.Equal(AttestationFailureReason.CertificateBindingMismatch, upload.Reason);
        Assert.Equal(AttestationFailureReason.CertificateBindingMismatch, run.Reason);
        AssertNothingReached(other);
        AssertNothingReached(genuine);
    }

    [Fact]
    public async Task Replayed_fresh_evidence_for_another_nonce_is_rejected()
    {
        SimulatedHost host = fixture.Host;
        await using UntrustedInterceptor attacker = await UntrustedInterceptor.StartAsync(host.UntrustedPort);
        BlindAIClientOptions options = host.ClientOptions();
        options.UntrustedPort = attacker.Port;
        byte[]? recorded = null;
        attacker.Rewrite = (path, _, body) =>
        {
            if (path == "/evidence")
            {
                recorded ??= body;
            }

            return body;
        };
        await (await BlindAIClient.ConnectAsync("127.0.0.1", options)).DisposeAsync();
        host.Requests.Clear();

        // Next session: the attacker answers with the recorded quote, even relabelled with the new nonce.
        attacker.Rewrite = (path, request, body) =>
        {
            if (path != "/evidence")
            {
                return body;
            }

            FreshEvidenceReply old = MessageCodec.Default.DecodeFreshEvidenceReply(recorded!);
            ReadOnlyMemory<byte> nonce = MessageCodec.Default.DecodeFreshEvidenceRequest(request).Nonce;
            return MessageCodec.Default.EncodeFreshEvidenceReply(old with { Nonce = nonce });
        };
        var relabelled = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync("127.0.0.1", options));
        attacker.Rewrite = (path, _, body) => path == "/evidence" ? recorded! : body;
        var replayed = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync("127.0.0.1", options));

        Assert.Equal(AttestationFailureReason.NonceMismatch, relabelled.Reason);
        Assert.Equal(VerificationStep.Freshness, relabelled.Step);
        Assert.Equal(AttestationFailureReason.NonceMismatch, replayed.Reason);
        AssertNothingReached(host);
    }

    [Fact]
    public async Task A_simulated_server_is_refused_without_the_simulation_opt_in()
    {
        SimulatedHost host = fixture.Host;
        host.Requests.Clear();
        BlindAIClientOptions options = host.ClientOptions();
        options.InsecureSimulationRoot = null;

        var declared = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync("127.0.0.1", options));

        // Hiding the simulation (no "mock" Server header, no capabilities) does not help: Intel's root rejects its quotes.
        await using UntrustedInterceptor disguise = await UntrustedInterceptor.StartAsync(host.UntrustedPort);
        disguise.ForwardServerHeader = false;
        disguise.HiddenPaths.Add("/version");
        options.UntrustedPort = disguise.Port;
        var hidden = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync("127.0.0.1", options));

        Assert.Equal(AttestationFailureReason.UntrustedRoot, declared.Reason);
        Assert.Equal(AttestationFailureReason.UntrustedRoot, hidden.Reason);
        AssertNothingReached(host);
    }

    private static void AssertNothingReached(SimulatedHost host)
    {
        Assert.Equal(0, host.Requests.ModelOrDataRequests);
        Assert.Equal(0, host.Requests.RequestsOnPorts(host.AttestedPort, host.ManagementPort));
    }

    private static QuoteCollateral Collateral(SimulatedHost host, SimulatedCollateralOptions options)
    {
        using SimulatedTeePlatform platform = host.LoadPlatform();
        SimulatedCollateral collateral = platform.CreateCollateral(options);
        return QuoteCollateral.FromPcsResponses(new PcsCollateralResponses
        {
            TcbInfoBody = Encoding.UTF8.GetBytes(collateral.ToPcsTcbInfoResponse()),
            TcbInfoIssuerChain = collateral.TcbInfoIssuerChain,
            QeIdentityBody = Encoding.UTF8.GetBytes(collateral.ToPcsQeIdentityResponse()),
            QeIdentityIssuerChain = collateral.QeIdentityIssuerChain,
            PckCrl = collateral.PckCrl,
            PckCrlIssuerChain = collateral.PckCrlIssuerChain,
            RootCaCrl = collateral.RootCaCrl,
        });
    }

    private static byte[] ForgeWithOwnKey(byte[] genuineDer)
    {
        using X509Certificate2 genuine = X509CertificateLoader.LoadCertificate(genuineDer);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(genuine.SubjectName, key, HashAlgorithmName.SHA256);
        foreach (X509Extension extension in genuine.Extensions)
        {
            if (extension.Oid?.Value != "2.5.29.14")
            {
                request.CertificateExtensions.Add(extension);
            }
        }

        using X509Certificate2 forged = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        return forged.RawData;
    }
}
