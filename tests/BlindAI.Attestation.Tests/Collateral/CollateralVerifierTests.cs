using BlindAI.Attestation.Pck;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

using BlindAI.Attestation.Collateral;

namespace BlindAI.Attestation.Tests.Collateral;

public sealed class CollateralVerifierTests
{
    private static readonly CollateralVerifier Intel = new(TrustAnchor.IntelSgxRootCa);

    public static TheoryData<string, long, PckCaType> PhalaBundles => new()
    {
        { "sgx_quote_collateral.json", 1752919277, PckCaType.Processor },
        { "tdx_quote_collateral.json", 1752919234, PckCaType.Platform },
        { "tdx_quote_outdated_collateral.json", 1774003274, PckCaType.Platform },
    };

    [Theory]
    [MemberData(nameof(PhalaBundles))]
    public void Phala_bundles_verify_at_the_readme_instant(string name, long unixSeconds, PckCaType caType)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        var verified = Intel.Verify(DcapQvlCollateralJson.Parse(CollateralVectors.PhalaBundleBytes(name)), now);

        Assert.Equal(now, verified.VerifiedAt);
        Assert.True(verified.IsValidAt(now));
        Assert.Equal(now.AddSeconds(1), verified.ExpiresAt); // the README's now is min(nextUpdate) - 1 s
        Assert.False(verified.IsValidAt(now.AddSeconds(2)));
        Assert.Equal(caType, verified.PckCaType);
        verified.EnsureFor(name.StartsWith("sgx", StringComparison.Ordinal) ? TcbInfoId.Sgx : TcbInfoId.Tdx);
    }

    [Theory]
    [InlineData("tcbinfov2.json", "qeidentityv2.json")]
    [InlineData("tcbinfov3_00806f050000.json", "qeidentityv2_apiv4.json")]
    [InlineData("tcb_info_v3_tdx_0.json", "identityv2_0.json")]
    [InlineData("tcb_info_v3_tdx_1.json", "identityv2_1.json")]
    public void Automata_raw_pcs_responses_verify_at_the_pinned_time(string tcbInfo, string qeIdentity)
    {
        var collateral = QuoteCollateral.FromPcsResponses(CollateralVectors.AutomataSgxResponses(tcbInfo, qeIdentity));

        var verified = Intel.Verify(collateral, CollateralVectors.AutomataNow);

        Assert.Equal(PckCaType.Platform, verified.PckCaType);
        Assert.Equal(44, verified.RevokedPckSerialNumbers.Length);
        Assert.True(verified.ExpiresAt <= collateral.NextUpdate);
    }

    [Fact]
    public void Sgx_collateral_does_not_serve_a_tdx_quote()
    {
        var verified = Intel.Verify(CollateralVectors.SgxBundle(), CollateralVectors.SgxNow);
        var error = Assert.Throws<AttestationException>(() => verified.EnsureFor(TcbInfoId.Tdx));
        Assert.Equal(AttestationFailureReason.CollateralMismatch, error.Reason);
        Assert.Equal("Tdx", error.Expected);
    }

    [Fact]
    public void Collateral_one_second_after_next_update_is_expired()
    {
        var collateral = CollateralVectors.SgxBundle();
        var error = Assert.Throws<AttestationException>(() => Intel.Verify(collateral, collateral.QeIdentity.NextUpdate.AddSeconds(1)));

        Assert.Equal(AttestationFailureReason.Expired, error.Reason);
        Assert.Equal(VerificationStep.CollateralValidity, error.Step);
        Assert.Equal("<= 2025-07-19T10:01:18Z", error.Expected);
        Assert.Equal("2025-07-19T10:01:19Z", error.Actual);
    }

    [Fact]
    public void Collateral_before_its_issue_date_is_not_yet_valid()
    {
        var collateral = CollateralVectors.SgxBundle();
        var error = Assert.Throws<AttestationException>(() => Intel.Verify(collateral, collateral.TcbInfo.IssueDate.AddSeconds(-1)));

        Assert.Equal(AttestationFailureReason.NotYetValid, error.Reason);
        Assert.Equal(VerificationStep.CollateralValidity, error.Step);
    }

    [Fact]
    public void Far_future_fails_on_the_expired_root_ca_crl()
    {
        var error = Assert.Throws<AttestationException>(() => Intel.Verify(CollateralVectors.SgxBundle(), new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(AttestationFailureReason.Expired, error.Reason);
        Assert.Equal(VerificationStep.RootCaCrl, error.Step);
    }

    [Fact]
    public void Grace_option_accepts_collateral_shortly_after_next_update_but_not_longer()
    {
        var collateral = CollateralVectors.SgxBundle();
        var lenient = new CollateralVerifier(TrustAnchor.IntelSgxRootCa, new CollateralVerificationOptions { AcceptExpiredCollateralFor = TimeSpan.FromHours(1) });

        var verified = lenient.Verify(collateral, collateral.QeIdentity.NextUpdate.AddMinutes(30));
        Assert.False(verified.IsValidAt(verified.VerifiedAt));
        Assert.Equal(AttestationFailureReason.Expired, Assert.Throws<AttestationException>(() => lenient.Verify(collateral, collateral.QeIdentity.NextUpdate.AddMinutes(61))).Reason);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CollateralVerificationOptions { AcceptExpiredCollateralFor = TimeSpan.FromSeconds(-1) });
    }

    [Theory]
    [InlineData("tcb_info", "\"tcbEvaluationDataNumber\":17", "\"tcbEvaluationDataNumber\":18", VerificationStep.TcbInfoSignature)]
    [InlineData("tcb_info", "\"fmspc\":\"00A067110000\"", "\"fmspc\":\"00A067110001\"", VerificationStep.TcbInfoSignature)]
    [InlineData("qe_identity", "\"isvprodid\":1", "\"isvprodid\":3", VerificationStep.QeIdentitySignature)]
    [InlineData("qe_identity", "\"tcbStatus\":\"OutOfDate\"", "\"tcbStatus\":\"UpToDate\"", VerificationStep.QeIdentitySignature)]
    public void One_changed_character_in_signed_json_breaks_the_signature(string member, string find, string replace, VerificationStep step)
    {
        var bundle = CollateralVectors.PhalaBundleBytes("sgx_quote_collateral.json");
        var json = CollateralVectors.BundleMember(bundle, member);
        Assert.Contains(find, json, StringComparison.Ordinal);
        var collateral = DcapQvlCollateralJson.Parse(CollateralVectors.WithMember(bundle, member, ReplaceFirst(json, find, replace)));

        var error = Assert.Throws<AttestationException>(() => Intel.Verify(collateral, CollateralVectors.SgxNow));

        Assert.Equal(AttestationFailureReason.InvalidCollateralSignature, error.Reason);
        Assert.Equal(step, error.Step);
    }

    [Theory]
    [InlineData("tcb_info")]
    [InlineData("qe_identity")]
    public void Re_serialised_json_breaks_the_signature(string member)
    {
        var bundle = CollateralVectors.PhalaBundleBytes("sgx_quote_collateral.json");
        var json = CollateralVectors.BundleMember(bundle, member);
        var reserialised = System.Text.Json.Nodes.JsonNode.Parse(json)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        var collateral = DcapQvlCollateralJson.Parse(CollateralVectors.WithMember(bundle, member, reserialised));

        var error = Assert.Throws<AttestationException>(() => Intel.Verify(collateral, CollateralVectors.SgxNow));

        Assert.Equal(AttestationFailureReason.InvalidCollateralSignature, error.Reason);
    }

    [Fact]
    public void Signature_of_the_other_document_does_not_verify()
    {
        var bundle = CollateralVectors.PhalaBundleBytes("sgx_quote_collateral.json");
        var swapped = CollateralVectors.WithMember(bundle, "tcb_info_signature", CollateralVectors.BundleMember(bundle, "qe_identity_signature"));
        var error = Assert.Throws<AttestationException>(() => Intel.Verify(DcapQvlCollateralJson.Parse(swapped), CollateralVectors.SgxNow));
        Assert.Equal(AttestationFailureReason.InvalidCollateralSignature, error.Reason);
    }

    [Fact]
    public void Tcb_info_signed_under_the_wrong_chain_is_rejected()
    {
        // The PCK CA chain in place of the TCB signing chain: a genuine Intel chain, but its certificate may not sign TCB
        // Info, which is refused before any signature is tried (it once failed only because the signature did not verify).
        var bundle = CollateralVectors.PhalaBundleBytes("sgx_quote_collateral.json");
        var wrong = CollateralVectors.WithMember(bundle, "tcb_info_issuer_chain", CollateralVectors.BundleMember(bundle, "pck_crl_issuer_chain"));

        var error = Assert.Throws<AttestationException>(() => Intel.Verify(DcapQvlCollateralJson.Parse(wrong), CollateralVectors.SgxNow));

        Assert.Equal(AttestationFailureReason.UnauthorizedCollateralSigner, error.Reason);
        Assert.Equal(VerificationStep.TcbInfoSignature, error.Step);
        Assert.Contains("Intel SGX PCK Processor CA", error.Actual, StringComparison.Ordinal);
    }

    [Fact]
    public void Chains_without_the_root_still_verify_against_the_pinned_anchor()
    {
        var bundle = CollateralVectors.PhalaBundleBytes("sgx_quote_collateral.json");
        var chain = CollateralVectors.BundleMember(bundle, "tcb_info_issuer_chain");
        var leafOnly = chain[..(chain.IndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal) + 25)];

        var verified = Intel.Verify(DcapQvlCollateralJson.Parse(CollateralVectors.WithMember(bundle, "tcb_info_issuer_chain", leafOnly)), CollateralVectors.SgxNow);

        Assert.Single(verified.Collateral.TcbInfoIssuerChain.Certificates);
    }

    [Fact]
    public void Chain_of_only_the_root_is_not_a_signing_chain()
    {
        var bundle = CollateralVectors.PhalaBundleBytes("sgx_quote_collateral.json");
        var root = TrustAnchor.IntelSgxRootCa.Certificate.ExportCertificatePem();
        var error = Assert.Throws<AttestationException>(() => Intel.Verify(DcapQvlCollateralJson.Parse(CollateralVectors.WithMember(bundle, "qe_identity_issuer_chain", root)), CollateralVectors.SgxNow));

        // The root does not sign collateral: only the TCB signing certificate it issued does.
        Assert.Equal(AttestationFailureReason.UnauthorizedCollateralSigner, error.Reason);
        Assert.Equal(VerificationStep.QeIdentitySignature, error.Step);
    }

    [Fact]
    public void A_lookalike_root_sent_with_the_chain_is_untrusted()
    {
        using var pki = new TestPki();
        var bundle = CollateralVectors.PhalaBundleBytes("sgx_quote_collateral.json");
        var chain = CollateralVectors.BundleMember(bundle, "tcb_info_issuer_chain");
        var withFakeRoot = chain[..(chain.IndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal) + 25)] + "\n" + pki.Root.ExportCertificatePem();

        var error = Assert.Throws<AttestationException>(() => Intel.Verify(DcapQvlCollateralJson.Parse(CollateralVectors.WithMember(bundle, "tcb_info_issuer_chain", withFakeRoot)), CollateralVectors.SgxNow));

        // The anchor is a subject and a key: the message names both, of the anchor and of the lookalike.
        Assert.Equal(AttestationFailureReason.UntrustedRoot, error.Reason);
        Assert.Contains(KeySha256(TrustAnchor.IntelSgxRootCa.Certificate), error.Expected, StringComparison.Ordinal);
        Assert.Contains(KeySha256(pki.Root), error.Actual, StringComparison.Ordinal);
    }

    [Fact]
    public void Intel_collateral_fails_under_another_anchor()
    {
        using var pki = new TestPki();
        var error = Assert.Throws<AttestationException>(() => new CollateralVerifier(pki.Anchor).Verify(CollateralVectors.SgxBundle(), CollateralVectors.SgxNow));
        Assert.Equal(AttestationFailureReason.UntrustedRoot, error.Reason);
        Assert.Contains(KeySha256(pki.Root), error.Expected, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pck_crl", VerificationStep.PckCrl)]
    [InlineData("root_ca_crl", VerificationStep.RootCaCrl)]
    public void Tampered_crls_are_rejected(string member, VerificationStep step)
    {
        var bundle = CollateralVectors.PhalaBundleBytes("sgx_quote_collateral.json");
        var der = Convert.FromHexString(CollateralVectors.BundleMember(bundle, member));
        der[^1] ^= 0x01; // last byte of the signature's s: still DER, no longer a valid signature

        var error = Assert.Throws<AttestationException>(() => Intel.Verify(DcapQvlCollateralJson.Parse(CollateralVectors.WithMember(bundle, member, Convert.ToHexString(der))), CollateralVectors.SgxNow));

        Assert.Equal(AttestationFailureReason.InvalidCrl, error.Reason);
        Assert.Equal(step, error.Step);
    }

    [Fact]
    public void Pck_crl_from_the_wrong_issuer_is_rejected()
    {
        var bundle = CollateralVectors.PhalaBundleBytes("sgx_quote_collateral.json");
        var swapped = CollateralVectors.WithMember(bundle, "pck_crl", CollateralVectors.BundleMember(bundle, "root_ca_crl"));
        var error = Assert.Throws<AttestationException>(() => Intel.Verify(DcapQvlCollateralJson.Parse(swapped), CollateralVectors.SgxNow));
        Assert.Equal(AttestationFailureReason.InvalidCrl, error.Reason);
        Assert.Equal(VerificationStep.PckCrl, error.Step);
        Assert.Contains("Intel SGX PCK Processor CA", error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Intel_root_is_embedded_and_pinned()
    {
        var anchor = TrustAnchor.IntelSgxRootCa;
        Assert.True(anchor.IsIntelSgxRootCa);
        Assert.Equal(TrustAnchor.IntelSgxRootCaSha256, anchor.Sha256Hex);
        Assert.Equal(CollateralVectors.Automata("Intel_SGX_Provisioning_Certification_RootCA.cer"), anchor.Certificate.RawData);
    }

    [Fact]
    public void A_non_ca_certificate_cannot_be_an_anchor()
    {
        using var pki = new TestPki();
        var error = Assert.Throws<AttestationFormatException>(() => TrustAnchor.InsecureNonIntelRoot(pki.Leaf));
        Assert.Equal(AttestationFormatErrorReason.InvalidCertificate, error.Reason);
        Assert.False(pki.Anchor.IsIntelSgxRootCa);
        Assert.StartsWith("NON-INTEL", pki.Anchor.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Test_pki_collateral_verifies_only_under_its_own_explicit_anchor()
    {
        using var pki = new TestPki();
        var collateral = pki.Collateral();

        Assert.Equal(PckCaType.Platform, new CollateralVerifier(pki.Anchor).Verify(collateral, TestPki.Now).PckCaType);
        Assert.Equal(AttestationFailureReason.UntrustedRoot, Assert.Throws<AttestationException>(() => Intel.Verify(collateral, TestPki.Now)).Reason);
    }

    [Fact]
    public void Revoked_pck_ca_is_rejected_by_the_root_ca_crl()
    {
        using var pki = new TestPki(revokePckCa: true);
        var error = Assert.Throws<AttestationException>(() => new CollateralVerifier(pki.Anchor).Verify(pki.Collateral(), TestPki.Now));
        Assert.Equal(AttestationFailureReason.CertificateRevoked, error.Reason);
        Assert.Equal(VerificationStep.PckCrl, error.Step);
        Assert.Equal("1122", error.Actual);
    }

    [Fact]
    public void Revoked_tcb_signing_certificate_is_rejected()
    {
        using var pki = new TestPki(revokeTcbSigning: true);
        var error = Assert.Throws<AttestationException>(() => new CollateralVerifier(pki.Anchor).Verify(pki.Collateral(), TestPki.Now));
        Assert.Equal(AttestationFailureReason.CertificateRevoked, error.Reason);
        Assert.Equal(VerificationStep.TcbInfoSignature, error.Step);
    }

    [Fact]
    public void Pck_ca_without_ca_constraint_cannot_issue()
    {
        using var pki = new TestPki(pckCaIsCa: false);
        var verified = new CollateralVerifier(pki.Anchor).Verify(pki.Collateral(), TestPki.Now);
        var error = Assert.Throws<AttestationException>(() => verified.ValidatePckChain(pki.PckChain, TestPki.Now));
        Assert.Equal(AttestationFailureReason.InvalidCertificateChain, error.Reason);
        Assert.Equal(VerificationStep.PckCertificateChain, error.Step);
    }

    private static string KeySha256(X509Certificate2 certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    private static string ReplaceFirst(string text, string find, string replace)
    {
        var index = text.IndexOf(find, StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, index), replace, text.AsSpan(index + find.Length));
    }
}
