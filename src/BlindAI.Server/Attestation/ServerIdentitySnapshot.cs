using System.Security.Cryptography.X509Certificates;
using BlindAI.Enclave.RaTls;

namespace BlindAI.Server.Attestation;

/// <summary>
/// One generation of the host's identity, never changed after it is made: the RA-TLS certificate with its key, the
/// encoded <c>GET /</c> body, the raw quote bound to that DER and its encoded <c>GET /quote</c> body.
/// </summary>
/// <param name="RaTlsCertificate">The certificate, its private key and the quotes it carries.</param>
/// <param name="CertificateBody">The body of <c>GET /</c>: the certificate DER as a CBOR byte string.</param>
/// <param name="Quote">The raw quote bound to the certificate DER (SHA-256 of the DER, then 32 zero bytes).</param>
/// <param name="QuoteBody">The body of <c>GET /quote</c>: <paramref name="Quote"/> as a CBOR byte string.</param>
/// <param name="IssuedAt">When the host made it (its clock; notBefore is earlier by the clock-skew allowance).</param>
/// <param name="NotAfter">The certificate's notAfter.</param>
internal sealed record ServerIdentitySnapshot(
    RaTlsCertificate RaTlsCertificate, byte[] CertificateBody, byte[] Quote, byte[] QuoteBody, DateTimeOffset IssuedAt, DateTimeOffset NotAfter) : IDisposable
{
    /// <summary>The certificate with its private key, for Kestrel.</summary>
    public X509Certificate2 Certificate => RaTlsCertificate.Certificate;

    /// <summary>Whether the certificate is past its notAfter at <paramref name="now"/> (a client would refuse it).</summary>
    public bool HasExpiredAt(DateTimeOffset now) => now >= NotAfter;

    /// <summary>When to renew: <paramref name="fraction"/> of the way from <see cref="IssuedAt"/> to <see cref="NotAfter"/>.</summary>
    public DateTimeOffset RenewalDueAt(double fraction) => IssuedAt + ((NotAfter - IssuedAt) * fraction);

    public void Dispose() => RaTlsCertificate.Dispose();
}
