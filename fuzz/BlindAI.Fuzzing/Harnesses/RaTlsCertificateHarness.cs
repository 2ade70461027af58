using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation;
using BlindAI.Attestation.RaTls;

namespace BlindAI.Fuzzing.Harnesses;

/// <summary>
/// RA-TLS certificate reading: the input is a DER certificate; what the platform's X.509 decoder accepts goes through
/// <see cref="RaTlsCertificateReader"/> (evidence extensions in every supported encoding, key binding, the bound quote).
/// </summary>
internal sealed class RaTlsCertificateHarness : IHarness
{
    public string Name => "ratls";

    public void Initialize()
    {
    }

    public void Execute(ReadOnlyMemory<byte> input)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(input.Span);
        }
        catch (CryptographicException)
        {
            // Not a certificate for the platform: the TLS stack would not hand it to the reader.
            return;
        }

        using (certificate)
        {
            try
            {
                RaTlsCertificateEvidence evidence = RaTlsCertificateReader.Read(certificate);
                _ = evidence.PublicKeySha256;
                if (!evidence.Evidence.IsEmpty)
                {
                    QuoteHarness.Touch(evidence.GetBoundQuote());
                }
            }
            catch (AttestationFormatException)
            {
            }
            catch (AttestationException)
            {
            }
        }
    }

    public IEnumerable<(string Name, byte[] Data)> Seeds(string testData)
    {
        yield return ("intel_ecdsa_ratls", SeedFiles.Read(testData, "ratls", "intel-sgx-ra-tls", "ecdsa-ratls.der"));
        foreach (string file in new[] { "gramine-cert.pem", "intel-sgxsdk-cert.pem", "rats-tls-cert.pem" })
        {
            int index = 0;
            foreach (byte[] der in SeedFiles.PemCertificates(testData, "ratls", "ccc-interoperable-ra-tls", file))
            {
                yield return ($"{file}_{index++}", der);
            }
        }
    }
}
