using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation;
using BlindAI.Attestation.Policy;
using BlindAI.Client;
using BlindAI.Client.Models;
using BlindAI.Enclave.Simulation;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Protocol.Tensors;
using BlindAI.Security.Tests.Support;
using BlindAI.Testing;

namespace BlindAI.Security.Tests;

/// <summary>
/// Re-attestation (the server presents a new certificate after a renewal or restart) must never become a way in: a
/// changed enclave is refused with <see cref="AttestationFailureReason.IdentityChanged"/> even when the policy would
/// accept it, and a man in the middle gains nothing from making the handshake fail. Each refusal happens before any
/// model or data reaches anyone, and the pin stays on the key first attested.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Category", "Security")]
public sealed class ReattestationAttackTests(HostFixture fixture)
{
    private static readonly float[] A = [1, 2, 3, 4, 5, 6];

    [Fact]
    public async Task Host_restarted_as_another_enclave_of_the_same_signer_is_refused_with_IdentityChanged_before_any_data()
    {
        // The policy pins only the signer (it accepts every build of it); the connection pins the build it attested.
        // Same rule as Gramine's RA-TLS verify callback, which compares the peer's measurements on every handshake.
        var signer = Measurement.FromBytes(new SimulatedSgxEnclave().MrSigner.Span);
        await using RestartableHost host = await RestartableHost.StartAsync();
        await using BlindAIClient client = await BlindAIClient.ConnectAsync(host.ClientOptions(AttestationPolicy.Strict.RequireMrSigner(signer).RequireIsvProdId(0)));
        UploadedModel model = await client.UploadModelAsync(ModelSource.FromBytes(TestModels.Subtract()));
        Measurement attestedKey = client.Attestation.PublicKeySha256;

        byte[] otherBuild = SHA256.HashData("another build of the same signer"u8);
        await host.RestartAsync(new SimulatedSgxEnclave { MrEnclave = otherBuild });
        host.Requests.Clear();

        var run = await Assert.ThrowsAsync<AttestationException>(() => RunAsync(client, model));
        var upload = await Assert.ThrowsAsync<AttestationException>(() => client.UploadModelAsync(ModelSource.FromBytes(TestModels.Subtract())));

        foreach (AttestationException error in new[] { run, upload })
        {
            Assert.Equal(AttestationFailureReason.IdentityChanged, error.Reason);
            Assert.Equal(VerificationStep.Policy, error.Step);
            Assert.Contains(SimulatedHost.SimulatedMrEnclave.ToString(), error.Expected, StringComparison.Ordinal);
            Assert.Contains(Convert.ToHexStringLower(otherBuild), error.Actual, StringComparison.Ordinal);
        }

        AssertNothingReached(host);
        Assert.Equal(attestedKey, client.Attestation.PublicKeySha256);
        Assert.Equal(0, client.Attestation.Reattestations);
    }

    [Fact]
    public async Task Host_restarted_as_an_enclave_outside_the_policy_is_refused_by_the_policy_before_any_data()
    {
        await using RestartableHost host = await RestartableHost.StartAsync();
        await using BlindAIClient client = await BlindAIClient.ConnectAsync(host.ClientOptions());
        UploadedModel model = await client.UploadModelAsync(ModelSource.FromBytes(TestModels.Subtract()));

        await host.RestartAsync(new SimulatedSgxEnclave { MrEnclave = SHA256.HashData("a build the policy does not name"u8) });
        host.Requests.Clear();

        var error = await Assert.ThrowsAsync<AttestationException>(() => RunAsync(client, model));

        Assert.Equal(AttestationFailureReason.PolicyViolation, error.Reason);
        Assert.Contains(error.Violations, v => v.ToString()!.Contains("MRENCLAVE", StringComparison.OrdinalIgnoreCase));
        AssertNothingReached(host);
    }

    [Fact]
    public async Task Host_restarted_as_a_debug_enclave_is_refused_by_the_re_evaluated_policy_before_any_data()
    {
        // Same MRENCLAVE, MRSIGNER and product: the identity rule alone would pass it; the policy, evaluated again, does not.
        await using RestartableHost host = await RestartableHost.StartAsync();
        await using BlindAIClient client = await BlindAIClient.ConnectAsync(host.ClientOptions());
        UploadedModel model = await client.UploadModelAsync(ModelSource.FromBytes(TestModels.Subtract()));

        await host.RestartAsync(new SimulatedSgxEnclave { AttributeFlags = 0x5 | SimulatedSgxEnclave.DebugFlag });
        host.Requests.Clear();

        var error = await Assert.ThrowsAsync<AttestationException>(() => RunAsync(client, model));

        Assert.Equal(AttestationFailureReason.PolicyViolation, error.Reason);
        Assert.Contains(error.Violations, v => v.ToString()!.Contains("debug", StringComparison.OrdinalIgnoreCase));
        AssertNothingReached(host);
    }

    [Fact]
    public async Task Man_in_the_middle_serving_its_own_certificate_with_copied_evidence_cannot_get_re_attested()
    {
        // After the client connected, the attacker takes the network: the attested port leads to another server and the
        // untrusted port serves a certificate for the attacker's key carrying the genuine evidence. The re-attestation
        // this triggers fails: the evidence binds the genuine key, not the attacker's.
        SimulatedHost genuine = fixture.Host;
        SimulatedHost other = fixture.Other;
        await using UntrustedInterceptor untrusted = await UntrustedInterceptor.StartAsync(genuine.UntrustedPort);
        await using var attested = new TcpRelay(genuine.AttestedPort);
        BlindAIClientOptions options = genuine.ClientOptions();
        options.UntrustedPort = untrusted.Port;
        options.AttestedPort = attested.Port;
        await using BlindAIClient client = await BlindAIClient.ConnectAsync(options);
        Measurement attestedKey = client.Attestation.PublicKeySha256;
        genuine.Requests.Clear();
        other.Requests.Clear();

        untrusted.Rewrite = (path, _, body) => path == "/" ? MessageCodec.Default.EncodeCertificate(ForgeWithOwnKey(MessageCodec.Default.DecodeCertificate(body).ToArray())) : body;
        attested.SwitchTo(other.AttestedPort);

        var error = await Assert.ThrowsAsync<AttestationException>(() => client.RunModelAsync(ModelId.NewId(), [Tensor.Create<float>([1f], [1])]));

        Assert.Equal(AttestationFailureReason.CertificateBindingMismatch, error.Reason);
        Assert.Equal(VerificationStep.CertificateBinding, error.Step);
        Attack.AssertNothingReached(genuine);
        Attack.AssertNothingReached(other);
        Assert.Equal(attestedKey, client.Attestation.PublicKeySha256);
    }

    [Fact]
    public async Task Man_in_the_middle_leading_every_port_to_another_platform_cannot_get_re_attested()
    {
        // The attacker's server is a complete, self-consistent simulated TEE (same enclave build, its own fresh evidence)
        // on a platform whose root the client does not trust: re-attestation fails at the PCK chain, nothing is sent.
        SimulatedHost genuine = fixture.Host;
        SimulatedHost other = fixture.Other;
        await using var untrusted = new TcpRelay(genuine.UntrustedPort);
        await using var attested = new TcpRelay(genuine.AttestedPort);
        BlindAIClientOptions options = genuine.ClientOptions();
        options.UntrustedPort = untrusted.Port;
        options.AttestedPort = attested.Port;
        await using BlindAIClient client = await BlindAIClient.ConnectAsync(options);
        genuine.Requests.Clear();
        other.Requests.Clear();

        untrusted.SwitchTo(other.UntrustedPort);
        attested.SwitchTo(other.AttestedPort);

        var error = await Assert.ThrowsAsync<AttestationException>(() => client.RunModelAsync(ModelId.NewId(), [Tensor.Create<float>([1f], [1])]));

        Assert.Equal(AttestationFailureReason.UntrustedRoot, error.Reason);
        Assert.Equal(0, other.Requests.ModelOrDataRequests);
        Assert.Equal(0, other.Requests.RequestsOnPorts(other.AttestedPort, other.ManagementPort));
        Attack.AssertNothingReached(genuine);
    }

    private static Task<IReadOnlyList<Tensor>> RunAsync(BlindAIClient client, UploadedModel model) =>
        client.RunModelAsync(model.Id, [Tensor.Create<float>(A, [2, 3], "A"), Tensor.Create<float>(A, [2, 3], "B")]);

    private static void AssertNothingReached(RestartableHost host)
    {
        Assert.Equal(0, host.Requests.ModelOrDataRequests);
        Assert.Equal(0, host.Requests.RequestsOnPorts(host.AttestedPort, host.ManagementPort));
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
