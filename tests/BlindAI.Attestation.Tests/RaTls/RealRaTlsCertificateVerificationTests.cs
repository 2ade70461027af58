using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.RaTls;
using BlindAI.Attestation.Verification;
using BlindAI.Testing;

namespace BlindAI.Attestation.Tests.RaTls;

/// <summary>
/// The Gramine and rats-tls certificates run on FMSPC 00606a000000 under the Intel PCK Platform CA, the platform of
/// the automata-dcap-rs collateral: their bound quotes verify to Intel at that collateral's pinned time with status
/// OutOfDate (computed here; the READMEs say "outdated TCB"), and the debug enclave fails the default policy.
/// </summary>
public sealed class RealRaTlsCertificateVerificationTests
{
    private static readonly DateTimeOffset PinnedTime = DateTimeOffset.FromUnixTimeSeconds(1739419232);

    private static byte[] Automata(string name) => TestPaths.ReadTestData("dcap", "automata-dcap-rs", name);

    private static QuoteCollateral AutomataCollateral()
    {
        string tcbChain = File.ReadAllText(TestPaths.TestData("dcap", "automata-dcap-rs", "tcb_signing_cert.pem"));
        X509Certificate2Collection pckChain = [];
        pckChain.ImportFromPemFile(TestPaths.TestData("dcap", "automata-dcap-rs", "pck_certchain.pem"));
        return QuoteCollateral.FromPcsResponses(new PcsCollateralResponses
        {
            TcbInfoBody = Automata("tcbinfov2.json"),
            TcbInfoIssuerChain = tcbChain,
            QeIdentityBody = Automata("qeidentityv2.json"),
            QeIdentityIssuerChain = tcbChain,
            PckCrl = Automata("pck_platform_crl.der"),
            PckCrlIssuerChain = pckChain[1].ExportCertificatePem() + "\n" + pckChain[2].ExportCertificatePem() + "\n",
            RootCaCrl = Automata("intel_root_ca_crl.der"),
        });
    }

    [Theory]
    [InlineData("gramine-cert.pem")]
    [InlineData("rats-tls-cert.pem")]
    public void Bound_quote_verifies_to_intel_and_the_debug_enclave_is_rejected_unless_debug_is_allowed(string name)
    {
        using X509Certificate2 cert = X509Certificate2.CreateFromPem(File.ReadAllText(TestPaths.TestData("ratls", "ccc-interoperable-ra-tls", name)));
        Quote quote = RaTlsCertificateReader.ReadBoundQuote(cert);

        QuoteVerificationResult result = new DcapQuoteVerifier().Verify(quote, AutomataCollateral(), PinnedTime);
        Assert.True(quote.IsDebug);
        Assert.Equal(TcbStatus.OutOfDate, result.TcbStatus);
        Assert.Equal("00606a000000", result.Fmspc.ToString());

        AttestationPolicy pinned = AttestationPolicy.Strict.RequireMrEnclave(quote.SgxReport!.MrEnclave);
        var e = Assert.Throws<AttestationException>(() => pinned.EnsureSatisfied(result));
        Assert.Equal(AttestationFailureReason.PolicyViolation, e.Reason);
        Assert.Contains(e.Violations, v => v.Field.Contains("debug", StringComparison.OrdinalIgnoreCase));

        AttestationPolicy permissive = pinned.AllowDebug().AcceptTcbStatuses(result.TcbStatus).AcceptAdvisoryIds(result.AdvisoryIds);
        permissive.EnsureSatisfied(result);
    }
}
