using System.Security.Cryptography.X509Certificates;
using BlindAI.Attestation.Collateral;

namespace BlindAI.Client.Attestation;

/// <summary>
/// The root certificate of a simulated TEE platform (for example <c>&lt;data-dir&gt;/simulation-root.pem</c> written by
/// the sample host's <c>--simulation</c>). Trusting it means trusting whoever holds its key: quotes signed under it prove
/// nothing about real hardware. Use it only for development and tests, through
/// <see cref="BlindAIClientOptions.InsecureSimulationRoot"/>.
/// </summary>
public sealed class SimulationRoot
{
    private SimulationRoot(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The simulation root certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Reads the root from a PEM or DER certificate file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The root.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">The file is not a certificate.</exception>
    public static SimulationRoot FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return FromCertificate(File.ReadAllBytes(path));
    }

    /// <summary>Reads the root from PEM or DER bytes.</summary>
    /// <param name="certificate">The certificate, PEM or DER.</param>
    /// <returns>The root.</returns>
    /// <exception cref="ArgumentException">The bytes are not a certificate.</exception>
    public static SimulationRoot FromCertificate(ReadOnlySpan<byte> certificate)
    {
        try
        {
            return new SimulationRoot(X509CertificateLoader.LoadCertificate(PemOrDer(certificate)));
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new ArgumentException("The simulation root is not a PEM or DER X.509 certificate.", nameof(certificate), ex);
        }
    }

    /// <summary>The verifier's trust anchor for this root.</summary>
    internal TrustAnchor ToTrustAnchor() => TrustAnchor.InsecureNonIntelRoot(Certificate);

    private static byte[] PemOrDer(ReadOnlySpan<byte> bytes)
    {
        string text = System.Text.Encoding.ASCII.GetString(bytes);
        return System.Security.Cryptography.PemEncoding.TryFind(text, out var fields) && text[fields.Label] == "CERTIFICATE"
            ? Convert.FromBase64String(text[fields.Base64Data])
            : bytes.ToArray();
    }
}
