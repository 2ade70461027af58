using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BlindAI.Client.Connection;

/// <summary>
/// The one public key attestation verified for a server, checked by a synchronous TLS callback on every connection of
/// the handler made for that server: the presented certificate's SPKI SHA-256 must equal it (constant-time comparison).
/// One server, one pin, one handler: a key attested for one origin is never accepted on another. Chain and name errors
/// are expected (the certificate is self-signed, for <c>blindai-srv</c>) and replaced by this check.
/// </summary>
internal sealed class CertificatePins(byte[] pin)
{
    private readonly byte[] _pin = pin;

    public bool Contains(ReadOnlySpan<byte> publicKeySha256) => CryptographicOperations.FixedTimeEquals(_pin, publicKeySha256);

    /// <summary>The TLS callback.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[32];
        if (certificate is X509Certificate2 presented)
        {
            SHA256.HashData(presented.PublicKey.ExportSubjectPublicKeyInfo(), hash);
        }
        else
        {
            using X509Certificate2 copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            SHA256.HashData(copy.PublicKey.ExportSubjectPublicKeyInfo(), hash);
        }

        return Contains(hash);
    }

    /// <summary>
    /// A socket handler whose every TLS connection must present the pinned key. It follows no redirect: a redirect
    /// followed inside the socket handler would reach its target without the caller's attestation of that origin.
    /// </summary>
    public SocketsHttpHandler CreateHandler(TimeSpan connectTimeout) => new()
    {
        ConnectTimeout = connectTimeout,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        AllowAutoRedirect = false,
        SslOptions = new SslClientAuthenticationOptions
        {
            TargetHost = Protocol.ProtocolRoutes.CertificateHostName,
            RemoteCertificateValidationCallback = Validate,
            EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
        },
    };
}
