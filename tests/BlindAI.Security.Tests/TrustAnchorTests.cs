using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.Verification;
using BlindAI.Enclave.Simulation;
using BlindAI.Security.Tests.Support;
using BlindAI.Testing;

namespace BlindAI.Security.Tests;

/// <summary>
/// Issue #12, item 2: the trust anchor is a name and a key, not a byte string (RFC 5280 6.1.1(d)). Intel issued its SGX
/// Root CA certificate more than once with the same subject and key; a chain whose self-signed top certificate has the
/// anchor's subject and key stands for the anchor, whose own validity applies. Another key under the anchor's subject,
/// or the anchor's key under another subject, is an untrusted root.
/// </summary>
/// <remarks>
/// We follow RFC 5280 here, which is what Intel's re-issued root needs. Intel QVL compares the presented root's
/// signature bytes with the trusted root's (so only the byte-identical certificate passes there); dcap-qvl hands the
/// chain to webpki, whose anchors are subject and key. Refusing a lookalike held before as well (bytes differed); the
/// refusals below check that the subject-and-key rule keeps refusing it and says which of the two differs.
/// Intel's root cannot be re-signed without Intel's key, so "keep the key, change the validity" is shown with the
/// simulated root; the lookalikes are built for both anchors.
/// </remarks>
[Trait("Category", "Security")]
public sealed class TrustAnchorTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>phala-dcap-qvl sgx_quote: min(nextUpdate) − 1 s, as its source's tests use.</summary>
    private static readonly DateTimeOffset PhalaSgxNow = DateTimeOffset.FromUnixTimeSeconds(1752919277);

    [Fact]
    public void Root_reissued_with_the_anchors_subject_and_key_stands_for_the_anchor_and_the_anchors_validity_applies()
    {
        using SimulatedPkiForgery pki = SimulatedPkiForgery.Create(Now);
        SimulatedTeePlatform platform = pki.Platform;
        QuoteVerificationResult genuine = pki.Verifier.Verify(pki.CreateQuote(), SimulatedPkiForgery.Parse(platform.CreateCollateral()), Now);

        // Like Intel's older root: the same subject and key, a validity and serial number of its own. One copy expired
        // yesterday (its validity must not count), one runs 30 years (it must not extend anything).
        using X509Certificate2 expired = pki.ReissuedRoot(Now.AddYears(-8), Now.AddDays(-1));
        using X509Certificate2 longer = pki.ReissuedRoot(Now.AddDays(-1), Now.AddYears(30));
        foreach (X509Certificate2 copy in new[] { expired, longer })
        {
            Assert.NotEqual(platform.RootCertificate.RawData, copy.RawData);
            QuoteCollateral collateral = SimulatedPkiForgery.Parse(WithRoot(platform, platform.CreateCollateral(), copy));

            QuoteVerificationResult result = pki.Verifier.Verify(pki.CreateQuote(), collateral, Now);

            Assert.Equal(TcbStatus.UpToDate, result.TcbStatus);
            Assert.Equal(genuine.CollateralExpiresAt, result.CollateralExpiresAt);

            // The PCK chain of a quote may end with such a copy too.
            VerifiedCollateral verified = new CollateralVerifier(TrustAnchor.InsecureNonIntelRoot(platform.RootCertificate)).Verify(collateral, Now);
            Assert.True(verified.IsValidAt(Now));
            VerifiedPckChain pck = verified.ValidatePckChain([platform.PckCertificate.RawData, platform.PckPlatformCaCertificate.RawData, copy.RawData], Now);
            Assert.Equal(platform.PckCertificate.RawData, pck.LeafDer.ToArray());
        }
    }

    [Fact]
    public void A_current_copy_of_an_expired_anchor_does_not_revive_it()
    {
        // The anchor (and every CA of this simulated PKI) expired yesterday; a copy with the same subject and key, valid
        // today, is sent along. The anchor's own validity applies.
        var expiredPki = new SimulatedPlatformOptions { Pki = new SimulatedPkiOptions { CaNotBefore = Now.AddYears(-5), CaNotAfter = Now.AddDays(-1), PckNotAfter = Now.AddYears(1) } };
        using SimulatedPkiForgery pki = SimulatedPkiForgery.Create(Now, expiredPki);
        SimulatedTeePlatform platform = pki.Platform;
        using X509Certificate2 current = pki.ReissuedRoot(Now.AddDays(-1), Now.AddYears(30));

        var error = Assert.Throws<AttestationException>(() =>
            pki.Verifier.Verify(pki.CreateQuote(), SimulatedPkiForgery.Parse(WithRoot(platform, platform.CreateCollateral(), current)), Now));

        Assert.Equal(AttestationFailureReason.Expired, error.Reason);
        Assert.Contains("trust anchor", error.Message, StringComparison.Ordinal);
        Assert.Equal($"<= {Format(platform.RootCertificate.NotAfter)}", error.Expected);
    }

    [Fact]
    public void Root_with_the_anchors_subject_and_another_key_is_untrusted()
    {
        // A throwaway CA under the anchor's subject, byte for byte, with its own key: for the simulated anchor and Intel's.
        using SimulatedPkiForgery pki = SimulatedPkiForgery.Create(Now);
        SimulatedTeePlatform platform = pki.Platform;
        using ECDsa throwawayKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using X509Certificate2 simulatedLookalike = SelfSigned(platform.RootCertificate.SubjectName, throwawayKey);

        var simulated = Assert.Throws<AttestationException>(() =>
            pki.Verifier.Verify(pki.CreateQuote(), SimulatedPkiForgery.Parse(WithRoot(platform, platform.CreateCollateral(), simulatedLookalike)), Now));

        AssertUntrustedRoot(simulated, "key", platform.RootCertificate, simulatedLookalike);

        using X509Certificate2 intelLookalike = SelfSigned(TrustAnchor.IntelSgxRootCa.Certificate.SubjectName, throwawayKey);
        AssertUntrustedRoot(IntelWithPresentedRoot(intelLookalike), "key", TrustAnchor.IntelSgxRootCa.Certificate, intelLookalike);
    }

    [Fact]
    public void Root_with_the_anchors_key_and_another_subject_is_untrusted()
    {
        // The simulated root's own key, self-signed under another name.
        using SimulatedPkiForgery pki = SimulatedPkiForgery.Create(Now);
        SimulatedTeePlatform platform = pki.Platform;
        var otherName = new X500DistinguishedName("CN=BlindAI Simulation Root CA - renamed, O=BlindAI for .NET simulation, C=US");
        using X509Certificate2 renamed = SimulatedPkiForgery.SelfIssuedRoot(otherName, platform.RootCertificate.PublicKey, pki.RootKey, Now.AddDays(-1), Now.AddYears(10));

        var simulated = Assert.Throws<AttestationException>(() =>
            pki.Verifier.Verify(pki.CreateQuote(), SimulatedPkiForgery.Parse(WithRoot(platform, platform.CreateCollateral(), renamed)), Now));

        AssertUntrustedRoot(simulated, "subject", platform.RootCertificate, renamed);

        // Intel's key under another name (signed by a throwaway key: Intel's private key is Intel's).
        using ECDsa throwawayKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using X509Certificate2 intelRenamed = SimulatedPkiForgery.SelfIssuedRoot(
            new X500DistinguishedName("CN=Intel SGX Root CA 2, O=Intel Corporation, L=Santa Clara, ST=CA, C=US"),
            TrustAnchor.IntelSgxRootCa.Certificate.PublicKey,
            throwawayKey,
            Now.AddDays(-1),
            Now.AddYears(10));
        AssertUntrustedRoot(IntelWithPresentedRoot(intelRenamed), "subject", TrustAnchor.IntelSgxRootCa.Certificate, intelRenamed);
    }

    [Fact]
    public void Root_with_the_anchors_subject_and_key_whose_self_signature_does_not_verify_is_untrusted()
    {
        // Intel's subject and key with a validity of the attacker's choosing: only Intel's key could sign it, so the
        // attacker's signature fails and the copy stands for nothing.
        using ECDsa throwawayKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        X509Certificate2 intelRoot = TrustAnchor.IntelSgxRootCa.Certificate;
        using X509Certificate2 forged = SimulatedPkiForgery.SelfIssuedRoot(
            new X500DistinguishedName(intelRoot.SubjectName.RawData), intelRoot.PublicKey, throwawayKey, new DateTimeOffset(2018, 5, 21, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2099, 12, 31, 0, 0, 0, TimeSpan.Zero));

        AttestationException error = IntelWithPresentedRoot(forged);

        Assert.Equal(AttestationFailureReason.UntrustedRoot, error.Reason);
        Assert.Equal(VerificationStep.TcbInfoSignature, error.Step);
        Assert.Contains("self-signature does not verify", error.Message, StringComparison.Ordinal);
    }

    private static void AssertUntrustedRoot(AttestationException error, string differsIn, X509Certificate2 anchor, X509Certificate2 presented)
    {
        Assert.Equal(AttestationFailureReason.UntrustedRoot, error.Reason);
        Assert.Equal(VerificationStep.TcbInfoSignature, error.Step);
        Assert.Contains($"differs in {differsIn}", error.Message, StringComparison.Ordinal);
        Assert.Contains(KeySha256(anchor), error.Expected, StringComparison.Ordinal);
        Assert.Contains(KeySha256(presented), error.Actual, StringComparison.Ordinal);
    }

    /// <summary>The sgx_quote and its real Intel collateral, the TCB Info chain ending with <paramref name="root"/> instead of Intel's root.</summary>
    private static AttestationException IntelWithPresentedRoot(X509Certificate2 root)
    {
        Quote quote = Quote.Parse(TestPaths.ReadTestData("dcap", "phala-dcap-qvl", "sgx_quote"));
        JsonObject bundle = JsonNode.Parse(TestPaths.ReadTestData("dcap", "phala-dcap-qvl", "sgx_quote_collateral.json"))!.AsObject();
        CertificateChain chain = CertificateChain.Parse(bundle["tcb_info_issuer_chain"]!.GetValue<string>());
        bundle["tcb_info_issuer_chain"] = SimulatedPkiForgery.Pem([chain.Certificates[0], root]);
        QuoteCollateral collateral = DcapQvlCollateralJson.Parse(Encoding.UTF8.GetBytes(bundle.ToJsonString()));
        return Assert.Throws<AttestationException>(() => new DcapQuoteVerifier().Verify(quote, collateral, PhalaSgxNow));
    }

    /// <summary>The collateral with every issuer chain ending at <paramref name="root"/>.</summary>
    private static SimulatedCollateral WithRoot(SimulatedTeePlatform platform, SimulatedCollateral collateral, X509Certificate2 root) => collateral with
    {
        TcbInfoIssuerChain = SimulatedPkiForgery.Pem([platform.TcbSigningCertificate, root]),
        QeIdentityIssuerChain = SimulatedPkiForgery.Pem([platform.TcbSigningCertificate, root]),
        PckCrlIssuerChain = SimulatedPkiForgery.Pem([platform.PckPlatformCaCertificate, root]),
    };

    /// <summary>A throwaway CA: <paramref name="subject"/> byte for byte, its own key.</summary>
    private static X509Certificate2 SelfSigned(X500DistinguishedName subject, ECDsa key) =>
        SimulatedPkiForgery.SelfIssuedRoot(new X500DistinguishedName(subject.RawData), new PublicKey(key), key, Now.AddYears(-10), Now.AddYears(30));

    private static string KeySha256(X509Certificate2 certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    private static string Format(DateTime instant) => instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
