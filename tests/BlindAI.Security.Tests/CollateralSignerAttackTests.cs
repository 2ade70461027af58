using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Verification;
using BlindAI.Client;
using BlindAI.Enclave.Simulation;
using BlindAI.Protocol;
using BlindAI.Security.Tests.Support;
using BlindAI.Testing;

namespace BlindAI.Security.Tests;

/// <summary>
/// Issue #12, item 1: only the trust anchor's TCB signing certificate may sign TCB Info and QE Identity. A certificate
/// that merely chains to the root must not: the owner of a platform can extract that platform's PCK private key (the
/// very case TCB recovery exists for) and would otherwise vouch for an up-to-date TCB of its own out-of-date platform.
/// </summary>
/// <remarks>
/// We follow Intel QVL (also what Gramine's RA-TLS verification calls): its TCBSigningChain takes the first certificate
/// of the chain as the TCB signer and requires it to be issued and signed by the root and not revoked by the root CA CRL;
/// like its TCBInfoVerifier we compare the signer's whole subject with the TCB signing subject (QVL's <c>TCB_SUBJECT</c>;
/// the later QVL only looks for "SGX TCB Signing" in the common name) and require keyUsage and basicConstraints (QVL's
/// <c>TCB_REQUIRED_EXTENSIONS</c>; here also: not a CA, digitalSignature). A chain that only leads to the root, which
/// this library accepted before, is the hole closed here. The simulated PKI's TCB signer
/// carries its own subject (<see cref="TrustAnchor.NonIntelTcbSigningSubject"/>), expected by a simulation anchor.
/// </remarks>
[Collection(HostCollection.Name)]
[Trait("Category", "Security")]
public sealed class CollateralSignerAttackTests(HostFixture fixture)
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>phala-dcap-qvl sgx_quote: min(nextUpdate) − 1 s, as its source's tests use.</summary>
    private static readonly DateTimeOffset PhalaSgxNow = DateTimeOffset.FromUnixTimeSeconds(1752919277);

    [Fact]
    public async Task Out_of_date_platform_signing_up_to_date_collateral_with_its_own_PCK_key_is_rejected_before_any_data()
    {
        SimulatedHost host = fixture.Host;
        using SimulatedPkiForgery pki = SimulatedPkiForgery.Of(host);
        SimulatedTeePlatform platform = pki.Platform;
        await using UntrustedInterceptor attacker = await UntrustedInterceptor.StartAsync(host.UntrustedPort);
        BlindAIClientOptions options = host.ClientOptions();
        options.UntrustedPort = attacker.Port;

        // What Intel says of this platform: out of date, which the strict policy refuses (the attacker's motive).
        SimulatedCollateral honest = platform.CreateCollateral(new SimulatedCollateralOptions { PlatformTcbStatus = TcbStatus.OutOfDate });
        attacker.Rewrite = (path, _, body) => path == ProtocolRoutes.Collateral ? Attack.ReplaceCollateral(body, honest) : body;
        host.Requests.Clear();
        var outOfDate = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync(options));
        Assert.Equal(AttestationFailureReason.PolicyViolation, outOfDate.Reason);
        Assert.Contains(outOfDate.Violations, v => v.ToString()!.Contains("OutOfDate", StringComparison.Ordinal));

        // The owner signs "UpToDate" TCB Info and QE Identity with the platform's PCK key and sends the genuine PCK chain
        // (leaf, PCK CA, root) as their issuer chain: every signature in it verifies and it leads to the trusted root.
        SimulatedCollateral selfSigned = SimulatedPkiForgery.SignedBy(
            platform.CreateCollateral(),
            pki.PckKey,
            [platform.PckCertificate, platform.PckPlatformCaCertificate, platform.RootCertificate]);
        attacker.Rewrite = (path, _, body) => path == ProtocolRoutes.Collateral ? Attack.ReplaceCollateral(body, selfSigned) : body;
        host.Requests.Clear();

        AttestationException error = await Attack.AssertRefusedAsync(host, options, AttestationFailureReason.UnauthorizedCollateralSigner, VerificationStep.TcbInfoSignature);
        Assert.Equal("[signer] or [signer, root]", error.Expected);
        Assert.Contains("Intel SGX PCK Certificate", error.Actual, StringComparison.Ordinal);
    }

    /// <summary>Issuer chains that lead to the trusted root through a CA: each verified before the fix.</summary>
    public static TheoryData<string, bool> ChainsThroughACa() => new()
    {
        { "PCK leaf, PCK CA, root", false },
        { "PCK leaf, PCK CA, root", true },
        { "PCK leaf, PCK CA", false },
        { "PCK leaf, PCK CA", true },
        { "TCB signing subject issued by the PCK CA, PCK CA, root", false },
        { "TCB signing subject issued by the PCK CA, PCK CA, root", true },
        { "TCB signing subject issued by an intermediate CA, intermediate CA, root", false },
        { "TCB signing subject issued by an intermediate CA, intermediate CA, root", true },
    };

    [Theory]
    [MemberData(nameof(ChainsThroughACa))]
    public void TCB_Info_or_QE_Identity_signed_under_a_chain_through_a_CA_is_refused_at_its_collateral_step(string chain, bool qeIdentity)
    {
        using SimulatedPkiForgery pki = SimulatedPkiForgery.Create(Now);
        SimulatedTeePlatform platform = pki.Platform;
        using ECDsa otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ECDsa intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        X509Certificate2 intermediate = SimulatedPkiForgery.Issue(
            new X500DistinguishedName("CN=BlindAI Simulation intermediate CA, O=BlindAI for .NET simulation - NOT Intel, C=US"),
            intermediateKey,
            platform.RootCertificate,
            pki.RootKey,
            certificateAuthority: true,
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign);
        var tcbSubject = new X500DistinguishedName(TrustAnchor.NonIntelTcbSigningSubject);
        (ECDsa key, X509Certificate2[] certificates) = chain switch
        {
            "PCK leaf, PCK CA, root" => (pki.PckKey, new[] { platform.PckCertificate, platform.PckPlatformCaCertificate, platform.RootCertificate }),
            "PCK leaf, PCK CA" => (pki.PckKey, new[] { platform.PckCertificate, platform.PckPlatformCaCertificate }),
            "TCB signing subject issued by the PCK CA, PCK CA, root" =>
                (otherKey, new[] { SimulatedPkiForgery.Issue(tcbSubject, otherKey, platform.PckPlatformCaCertificate, pki.PckCaKey, false, X509KeyUsageFlags.DigitalSignature), platform.PckPlatformCaCertificate, platform.RootCertificate }),
            "TCB signing subject issued by an intermediate CA, intermediate CA, root" =>
                (otherKey, new[] { SimulatedPkiForgery.Issue(tcbSubject, otherKey, intermediate, intermediateKey, false, X509KeyUsageFlags.DigitalSignature), intermediate, platform.RootCertificate }),
            _ => throw new ArgumentOutOfRangeException(nameof(chain), chain, null),
        };
        SimulatedCollateral forged = SimulatedPkiForgery.SignedBy(platform.CreateCollateral(), key, certificates, tcbInfo: !qeIdentity, qeIdentity: qeIdentity);

        var error = Assert.Throws<AttestationException>(() => pki.Verifier.Verify(pki.CreateQuote(), SimulatedPkiForgery.Parse(forged), Now));

        Assert.Equal(AttestationFailureReason.UnauthorizedCollateralSigner, error.Reason);
        Assert.Equal(qeIdentity ? VerificationStep.QeIdentitySignature : VerificationStep.TcbInfoSignature, error.Step);
    }

    /// <summary>
    /// Signers issued directly by the root that are not the TCB signing certificate: each verified before the fix. The
    /// last value is the expected value the error must name.
    /// </summary>
    public static TheoryData<string, string> SignersThatAreNotTheTcbSigningCertificate() => new()
    {
        { "the PCK CA", TrustAnchor.NonIntelTcbSigningSubject },
        { "another subject", TrustAnchor.NonIntelTcbSigningSubject },
        { "Intel's TCB signing subject", TrustAnchor.NonIntelTcbSigningSubject },
        { "a CA", "basicConstraints cA=false" },
        { "no basicConstraints", "basicConstraints cA=false" },
        { "no digitalSignature", "keyUsage digitalSignature" },
        { "no keyUsage", "keyUsage digitalSignature" },
    };

    [Theory]
    [MemberData(nameof(SignersThatAreNotTheTcbSigningCertificate))]
    public void TCB_Info_and_QE_Identity_signed_by_another_root_issued_certificate_are_refused(string signer, string expected)
    {
        using SimulatedPkiForgery pki = SimulatedPkiForgery.Create(Now);
        SimulatedTeePlatform platform = pki.Platform;
        using ECDsa otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var tcbSubject = new X500DistinguishedName(TrustAnchor.NonIntelTcbSigningSubject);
        X509Certificate2 Issued(X500DistinguishedName subject, bool? ca, X509KeyUsageFlags? usage) =>
            SimulatedPkiForgery.Issue(subject, otherKey, platform.RootCertificate, pki.RootKey, ca, usage);
        (ECDsa key, X509Certificate2 certificate) = signer switch
        {
            "the PCK CA" => (pki.PckCaKey, platform.PckPlatformCaCertificate),
            "another subject" => (otherKey, Issued(new X500DistinguishedName("CN=BlindAI Simulation collateral signer, O=BlindAI for .NET simulation - NOT Intel, C=US"), false, X509KeyUsageFlags.DigitalSignature)),
            // Intel's genuine TCB signing name, byte for byte, is not the simulation anchor's TCB signer.
            "Intel's TCB signing subject" => (otherKey, Issued(IntelTcbSigningCertificate().SubjectName, false, X509KeyUsageFlags.DigitalSignature)),
            "a CA" => (otherKey, Issued(tcbSubject, true, X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign)),
            "no basicConstraints" => (otherKey, Issued(tcbSubject, null, X509KeyUsageFlags.DigitalSignature)),
            "no digitalSignature" => (otherKey, Issued(tcbSubject, false, X509KeyUsageFlags.NonRepudiation)),
            "no keyUsage" => (otherKey, Issued(tcbSubject, false, null)),
            _ => throw new ArgumentOutOfRangeException(nameof(signer), signer, null),
        };

        foreach (bool qeIdentity in new[] { false, true })
        {
            SimulatedCollateral forged = SimulatedPkiForgery.SignedBy(platform.CreateCollateral(), key, [certificate, platform.RootCertificate], tcbInfo: !qeIdentity, qeIdentity: qeIdentity);

            var error = Assert.Throws<AttestationException>(() => pki.Verifier.Verify(pki.CreateQuote(), SimulatedPkiForgery.Parse(forged), Now));

            Assert.Equal(AttestationFailureReason.UnauthorizedCollateralSigner, error.Reason);
            Assert.Equal(qeIdentity ? VerificationStep.QeIdentitySignature : VerificationStep.TcbInfoSignature, error.Step);
            Assert.Equal(expected, error.Expected);
        }
    }

    [Fact]
    public void PCK_CRL_issued_by_a_PCK_CA_under_an_intermediate_CA_is_refused_at_the_PCK_CRL_step()
    {
        // The PCK CA re-issued (same subject, same key, so its CRL still verifies) under an intermediate CA of the root:
        // the PCK CRL issuer must be issued directly by the anchor, like the PCK CA that issued the quote's leaf.
        using SimulatedPkiForgery pki = SimulatedPkiForgery.Create(Now);
        SimulatedTeePlatform platform = pki.Platform;
        using ECDsa intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        X509Certificate2 intermediate = SimulatedPkiForgery.Issue(
            new X500DistinguishedName("CN=BlindAI Simulation intermediate CA, O=BlindAI for .NET simulation - NOT Intel, C=US"),
            intermediateKey,
            platform.RootCertificate,
            pki.RootKey,
            certificateAuthority: true,
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign);
        X509Certificate2 pckCaUnderIntermediate = SimulatedPkiForgery.Issue(
            platform.PckPlatformCaCertificate.SubjectName, pki.PckCaKey, intermediate, intermediateKey, certificateAuthority: true, X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign);
        SimulatedCollateral collateral = platform.CreateCollateral() with
        {
            PckCrlIssuerChain = SimulatedPkiForgery.Pem([pckCaUnderIntermediate, intermediate, platform.RootCertificate]),
        };

        var error = Assert.Throws<AttestationException>(() => pki.Verifier.Verify(pki.CreateQuote(), SimulatedPkiForgery.Parse(collateral), Now));

        Assert.Equal(AttestationFailureReason.UnauthorizedCollateralSigner, error.Reason);
        Assert.Equal(VerificationStep.PckCrl, error.Step);
    }

    [Fact]
    public void Intels_own_PCK_chain_offered_as_the_TCB_Info_issuer_is_refused_before_its_signature_is_tried()
    {
        // Real Intel certificates: the sgx_quote's genuine PCK chain (leaf, Intel SGX PCK Processor CA, Intel SGX Root CA),
        // valid at the instant, in place of the TCB signing chain. Whoever holds that leaf's key could sign with it; the
        // chain is refused for what it is, not because this TCB Info was signed by Intel's TCB signing key instead.
        Quote quote = Quote.Parse(TestPaths.ReadTestData("dcap", "phala-dcap-qvl", "sgx_quote"));
        JsonObject bundle = JsonNode.Parse(TestPaths.ReadTestData("dcap", "phala-dcap-qvl", "sgx_quote_collateral.json"))!.AsObject();
        bundle["tcb_info_issuer_chain"] = quote.SignatureData.PckCertificateChain.Pem;
        QuoteCollateral collateral = DcapQvlCollateralJson.Parse(Encoding.UTF8.GetBytes(bundle.ToJsonString()));

        var error = Assert.Throws<AttestationException>(() => new DcapQuoteVerifier().Verify(quote, collateral, PhalaSgxNow));

        Assert.Equal(AttestationFailureReason.UnauthorizedCollateralSigner, error.Reason);
        Assert.Equal(VerificationStep.TcbInfoSignature, error.Step);
        Assert.Contains("Intel SGX PCK Certificate", error.Actual, StringComparison.Ordinal);
    }

    [Fact]
    public void The_TCB_signing_certificate_alone_or_followed_by_the_root_still_signs_collateral()
    {
        // The two shapes Intel PCS and PCCS send, for the simulation anchor and for Intel's.
        using SimulatedPkiForgery pki = SimulatedPkiForgery.Create(Now);
        SimulatedTeePlatform platform = pki.Platform;
        foreach (X509Certificate2[] chain in new[] { new[] { platform.TcbSigningCertificate }, [platform.TcbSigningCertificate, platform.RootCertificate] })
        {
            SimulatedCollateral collateral = SimulatedPkiForgery.SignedBy(platform.CreateCollateral(), pki.TcbSigningKey, chain);
            Assert.Equal(TcbStatus.UpToDate, pki.Verifier.Verify(pki.CreateQuote(), SimulatedPkiForgery.Parse(collateral), Now).TcbStatus);
        }

        Quote quote = Quote.Parse(TestPaths.ReadTestData("dcap", "phala-dcap-qvl", "sgx_quote"));
        JsonObject bundle = JsonNode.Parse(TestPaths.ReadTestData("dcap", "phala-dcap-qvl", "sgx_quote_collateral.json"))!.AsObject();
        CertificateChain sent = CertificateChain.Parse(bundle["tcb_info_issuer_chain"]!.GetValue<string>());
        Assert.Equal(2, sent.Count);
        bundle["tcb_info_issuer_chain"] = sent.Certificates[0].ExportCertificatePem();
        QuoteVerificationResult intel = new DcapQuoteVerifier().Verify(quote, DcapQvlCollateralJson.Parse(Encoding.UTF8.GetBytes(bundle.ToJsonString())), PhalaSgxNow);
        Assert.Equal(TcbStatus.ConfigurationAndSWHardeningNeeded, intel.TcbStatus);
    }

    /// <summary>An Intel TCB signing certificate (CN=Intel SGX TCB Signing, O=Intel Corporation, …) from the shared vectors, for its name.</summary>
    private static X509Certificate2 IntelTcbSigningCertificate() =>
        X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(TestPaths.ReadTestData("dcap", "automata-dcap-rs", "signing_cert.pem")));
}
