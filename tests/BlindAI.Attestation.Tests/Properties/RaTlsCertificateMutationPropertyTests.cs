using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Policy;
using BlindAI.Attestation.Quotes;
using BlindAI.Attestation.RaTls;
using BlindAI.Attestation.Tests.Collateral;
using BlindAI.Attestation.Verification;
using BlindAI.Testing;
using CsCheck;

namespace BlindAI.Attestation.Tests.Properties;

/// <summary>
/// Random edits of the DER of real RA-TLS certificates (Gramine and rats-tls, whose quotes verify to Intel with the
/// automata collateral): whatever gets through reading, quote verification and a policy that accepts the original
/// must carry exactly the original public key and one of the original quotes that bound it. Fields nothing binds (validity, names, the
/// self-signature) may change, since the TLS handshake proves possession of the key, but never the key or the
/// evidence. Everything else fails with a typed error (or with the platform's X.509 decoder, before our code runs).
/// </summary>
public sealed class RaTlsCertificateMutationPropertyTests
{
    public static TheoryData<string> Certificates => ["gramine-cert.pem", "rats-tls-cert.pem"];

    [Theory]
    [MemberData(nameof(Certificates))]
    public void Mutated_ra_tls_certificates_never_yield_another_key_or_quote(string name)
    {
        using X509Certificate2 real = X509Certificate2.CreateFromPem(File.ReadAllText(TestPaths.TestData("ratls", "ccc-interoperable-ra-tls", name)));
        byte[] original = real.RawData;
        RaTlsCertificateEvidence evidence = RaTlsCertificateReader.Read(real);
        // Gramine's certificate carries the same key's evidence twice (DICE and the legacy raw quote: two genuine quotes of one
        // enclave). An edit of the DICE extension's OID leaves an extension nobody reads, and the legacy quote, which binds
        // the same key, is chosen instead (CsCheck seed 8ZlW98KjG0N5): that is another form of the original evidence, not
        // another quote. Any quote that bound the original key is allowed; nothing else.
        byte[][] boundQuotes = [.. evidence.Evidence.Where(e => e.BindingVerified).Select(e => e.RawQuote.ToArray())];
        QuoteCollateral collateral = QuoteCollateral.FromPcsResponses(CollateralVectors.AutomataSgxResponses());
        var verifier = new DcapQuoteVerifier();
        QuoteVerificationResult result = verifier.Verify(evidence.GetBoundQuote(), collateral, CollateralVectors.AutomataNow);
        AttestationPolicy policy = AttestationPolicy.Strict.RequireMrEnclave(evidence.GetBoundQuote().SgxReport!.MrEnclave).AllowDebug().AcceptTcbStatuses(result.TcbStatus).AcceptAdvisoryIds(result.AdvisoryIds);
        policy.EnsureSatisfied(result);

        ByteMutation.Edits.Sample(edits =>
        {
            byte[]? mutated = ByteMutation.Apply(original, original.Length, edits);
            if (mutated is null)
            {
                return;
            }

            X509Certificate2 certificate;
            try
            {
                certificate = X509CertificateLoader.LoadCertificate(mutated);
            }
            catch (CryptographicException)
            {
                return; // the TLS stack never hands such bytes to the reader
            }

            using (certificate)
            {
                try
                {
                    RaTlsCertificateEvidence read = RaTlsCertificateReader.Read(certificate);
                    Quote quote = read.GetBoundQuote();
                    policy.EnsureSatisfied(verifier.Verify(quote, collateral, CollateralVectors.AutomataNow));
                    Assert.Equal(evidence.SubjectPublicKeyInfo.ToArray(), read.SubjectPublicKeyInfo.ToArray());
                    Assert.Contains(boundQuotes, bound => bound.AsSpan().SequenceEqual(quote.Bytes.Span));
                }
                catch (AttestationFormatException)
                {
                }
                catch (AttestationException)
                {
                }
            }
        }, iter: 1000);
    }
}
