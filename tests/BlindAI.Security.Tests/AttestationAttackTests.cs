using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Client;
using BlindAI.Client.Connection;
using BlindAI.Client.Models;
using BlindAI.Enclave.Simulation;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Security.Tests.Support;
using BlindAI.Testing;
using Microsoft.Extensions.Time.Testing;

namespace BlindAI.Security.Tests;

/// <summary>
/// Each attack must end in a typed <see cref="AttestationException"/> before the server sees any model or data: no
/// upload, run or delete reaches it, and (when attestation fails) not even a TLS connection to its attested ports.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Category", "Security")]
public sealed class AttestationAttackTests(HostFixture fixture)
{
    private static readonly byte[] TinyModel = Encoding.UTF8.GetBytes("not even a model: it must never be sent");

    [Fact]
    public async Task Another_enclave_build_is_rejected_by_the_MRENCLAVE_pin_before_any_data()
    {
        SimulatedHost host = fixture.Host;
        host.Requests.Clear();
        BlindAIClientOptions options = host.ClientOptions();
        options.Policy = AttestationPolicy.Strict.RequireMrEnclave(Measurement.FromBytes(SHA256.HashData("another enclave"u8)));

        var error = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync(options));

        Assert.Equal(AttestationFailureReason.PolicyViolation, error.Reason);
        Assert.Contains(error.Violations, v => v.ToString()!.Contains("MRENCLAVE", StringComparison.OrdinalIgnoreCase));
        Attack.AssertNothingReached(host);
    }

    [Fact]
    public async Task Debug_enclave_is_rejected_before_any_data()
    {
        var debug = new SimulatedPlatformOptions { Enclave = new SimulatedSgxEnclave { AttributeFlags = 0x5 | SimulatedSgxEnclave.DebugFlag } };
        await using SimulatedHost host = await SimulatedHost.StartAsync(debug);

        var error = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync(host.ClientOptions()));

        Assert.Equal(AttestationFailureReason.PolicyViolation, error.Reason);
        Assert.Contains(error.Violations, v => v.ToString()!.Contains("debug", StringComparison.OrdinalIgnoreCase));
        Attack.AssertNothingReached(host);
    }

    [Fact]
    public async Task Debug_trust_domain_is_rejected_before_any_data()
    {
        // The TDX counterpart: a TD with the DEBUG attribute (its memory readable by the host), MRTD as pinned.
        var debug = new SimulatedPlatformOptions
        {
            QuoteFormat = SimulatedQuoteFormat.TdxV4,
            TrustDomain = new SimulatedTdIdentity { TdAttributes = SimulatedTdIdentity.SeptVeDisableFlag | SimulatedTdIdentity.DebugFlag },
        };
        await using SimulatedHost host = await SimulatedHost.StartAsync(debug);
        BlindAIClientOptions options = host.ClientOptions();
        options.Policy = AttestationPolicy.Strict.RequireMrTd(Measurement.FromBytes(new SimulatedTdIdentity().MrTd.Span));
        // The simulated host serves SGX collateral only; the client's own source supplies the platform's TDX collateral.
        options.CollateralProvider = Attack.Provider(() => Attack.Resolved(host, new SimulatedCollateralOptions { Tdx = true }));

        var error = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync(options));

        Assert.Equal(AttestationFailureReason.PolicyViolation, error.Reason);
        Assert.Contains(error.Violations, v => v.ToString()!.Contains("debug", StringComparison.OrdinalIgnoreCase));
        Attack.AssertNothingReached(host);
    }

    [Fact]
    public async Task TCB_downgrade_to_an_out_of_date_platform_is_rejected_before_any_data()
    {
        SimulatedHost host = fixture.Host;
        host.Requests.Clear();
        BlindAIClientOptions options = host.ClientOptions();
        // The client's own collateral source (its "PCS") says this platform's TCB is out of date.
        options.CollateralProvider = Attack.Provider(() => Attack.Resolved(host, new SimulatedCollateralOptions { PlatformTcbStatus = TcbStatus.OutOfDate }));

        var error = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync(options));

        Assert.Equal(AttestationFailureReason.PolicyViolation, error.Reason);
        Assert.Contains(error.Violations, v => v.ToString()!.Contains("OutOfDate", StringComparison.OrdinalIgnoreCase));
        Attack.AssertNothingReached(host);
    }

    [Fact]
    public async Task Stale_collateral_after_its_next_update_is_rejected_before_any_data()
    {
        SimulatedHost host = fixture.Host;
        host.Requests.Clear();
        // The server's collateral is valid for 30 days; the client's clock is 60 days later.
        var later = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(60));

        var error = await Assert.ThrowsAsync<AttestationException>(() => new ClientConnector(timeProvider: later).ConnectAsync(host.ClientOptions(), CancellationToken.None));

        Assert.Equal(AttestationFailureReason.Expired, error.Reason);
        Attack.AssertNothingReached(host);
    }

    [Fact]
    public async Task Man_in_the_middle_copying_the_evidence_into_its_own_certificate_is_rejected_before_any_data()
    {
        SimulatedHost host = fixture.Host;
        host.Requests.Clear();
        await using UntrustedInterceptor attacker = await UntrustedInterceptor.StartAsync(host.UntrustedPort);
        // The attacker copies the genuine certificate's evidence extensions into a certificate for its own key.
        attacker.Rewrite = (path, _, body) => path == "/" ? MessageCodec.Default.EncodeCertificate(ForgeWithOwnKey(MessageCodec.Default.DecodeCertificate(body).ToArray())) : body;
        BlindAIClientOptions options = host.ClientOptions();
        options.UntrustedPort = attacker.Port;

        AttestationException error = await Attack.AssertRefusedAsync(host, options, AttestationFailureReason.CertificateBindingMismatch, VerificationStep.CertificateBinding);
    }

    [Fact]
    public async Task Man_in_the_middle_with_another_certificate_at_connection_is_refused_before_any_data()
    {
        // The untrusted port is genuine (attestation succeeds), but the TLS ports lead to another server from the start:
        // a genuine simulated enclave too, with its own key, which attestation did not verify.
        SimulatedHost genuine = fixture.Host;
        SimulatedHost other = fixture.Other;
        BlindAIClientOptions options = genuine.ClientOptions();
        options.AttestedPort = other.AttestedPort;
        options.ManagementPort = other.ManagementPort;
        genuine.Requests.Clear();
        other.Requests.Clear();

        var error = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync(options));

        Assert.Equal(AttestationFailureReason.CertificateBindingMismatch, error.Reason);
        Assert.Equal(VerificationStep.CertificateBinding, error.Step);
        Attack.AssertNothingReached(other);
        Attack.AssertNothingReached(genuine);
    }

    [Fact]
    public async Task Man_in_the_middle_serving_a_certificate_without_evidence_is_rejected_before_any_data()
    {
        SimulatedHost host = fixture.Host;
        await using UntrustedInterceptor attacker = await UntrustedInterceptor.StartAsync(host.UntrustedPort);
        // An ordinary self-signed certificate for the expected name, as a TLS-intercepting proxy would present.
        attacker.Rewrite = (path, _, body) => path == "/" ? MessageCodec.Default.EncodeCertificate(PlainCertificate()) : body;
        BlindAIClientOptions options = host.ClientOptions();
        options.UntrustedPort = attacker.Port;
        host.Requests.Clear();

        // Without evidence in the certificate the client takes the original BlindAI path (GET /quote), whose quote binds
        // the genuine certificate, not the attacker's.
        await Attack.AssertRefusedAsync(host, options, AttestationFailureReason.CertificateBindingMismatch, VerificationStep.CertificateBinding);
    }

    [Fact]
    public async Task Man_in_the_middle_with_another_certificate_is_refused_before_any_data()
    {
        SimulatedHost genuine = fixture.Host;
        SimulatedHost other = fixture.Other;
        await using var attested = new TcpRelay(genuine.AttestedPort);
        await using var management = new TcpRelay(genuine.ManagementPort);
        BlindAIClientOptions options = genuine.ClientOptions();
        options.AttestedPort = attested.Port;
        options.ManagementPort = management.Port;
        await using BlindAIClient client = await BlindAIClient.ConnectAsync(options);
        genuine.Requests.Clear();
        other.Requests.Clear();

        // The network now leads to another server: a genuine simulated enclave too, but not the attested key.
        attested.SwitchTo(other.AttestedPort);
        management.SwitchTo(other.ManagementPort);

        var upload = await Assert.ThrowsAsync<AttestationException>(() => client.UploadModelAsync(ModelSource.FromBytes(TinyModel)));
        var run = await Assert.ThrowsAsync<AttestationException>(() => client.RunModelAsync(ModelId.NewId(), [Protocol.Tensors.Tensor.Create<float>([1f], [1])]));

        Assert.Equal(AttestationFailureReason.CertificateBindingMismatch, upload.Reason);
        Assert.Equal(AttestationFailureReason.CertificateBindingMismatch, run.Reason);
        Attack.AssertNothingReached(other);
        Attack.AssertNothingReached(genuine);
    }

    [Fact]
    public async Task Evidence_replay_from_an_earlier_session_is_rejected_before_any_data()
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
        await (await BlindAIClient.ConnectAsync(options)).DisposeAsync();
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
        var relabelled = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync(options));
        attacker.Rewrite = (path, _, body) => path == "/evidence" ? recorded! : body;
        var replayed = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync(options));

        Assert.Equal(AttestationFailureReason.NonceMismatch, relabelled.Reason);
        Assert.Equal(VerificationStep.Freshness, relabelled.Step);
        Assert.Equal(AttestationFailureReason.NonceMismatch, replayed.Reason);
        Attack.AssertNothingReached(host);
    }

    [Fact]
    public async Task Simulation_root_where_not_opted_in_is_rejected_before_any_data()
    {
        SimulatedHost host = fixture.Host;
        host.Requests.Clear();
        BlindAIClientOptions options = host.ClientOptions();
        options.InsecureSimulationRoot = null;

        var declared = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync(options));

        // Hiding the simulation (no "mock" Server header, no capabilities) does not help: Intel's root rejects its quotes.
        await using UntrustedInterceptor disguise = await UntrustedInterceptor.StartAsync(host.UntrustedPort);
        disguise.ForwardServerHeader = false;
        disguise.HiddenPaths.Add("/version");
        options.UntrustedPort = disguise.Port;
        var hidden = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync(options));

        Assert.Equal(AttestationFailureReason.UntrustedRoot, declared.Reason);
        Assert.Equal(AttestationFailureReason.UntrustedRoot, hidden.Reason);
        Attack.AssertNothingReached(host);
    }



    private static byte[] PlainCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=blindai-srv", key, HashAlgorithmName.SHA256);
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.RawData;
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
