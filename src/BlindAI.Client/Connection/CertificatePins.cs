using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BlindAI.Client.Connection;

/// <summary>
/// The one public key attestation verified for a server, checked by a synchronous TLS callback on every connection of
/// the handler made for that server: the presented certificate's SPKI SHA-256 must equal it (constant-time comparison).
/// One server, one pin, one handler: a key attested for one origin is never accepted on another. Chain and name errors
/// are expected (the certificate is self-signed, for <c>blindai-srv</c>) and replaced by this check. The pin is
/// replaced (never added to) only after the same server was attested again with a new key (certificate renewal,
/// restart); connections already open with the previous key stay usable, new ones must present the new key.
/// </summary>
internal sealed class CertificatePins(byte[] pin)
{
    private volatile byte[] _pin = pin;

    /// <summary>The pinned SPKI SHA-256 now (a new array after every <see cref="Replace"/>; compare by reference to see whether it changed).</summary>
    public byte[] Current => _pin;

    public bool Contains(ReadOnlySpan<byte> publicKeySha256) => CryptographicOperations.FixedTimeEquals(_pin, publicKeySha256);

    /// <summary>Pins the key of a re-attestation of the same server, instead of the previous one.</summary>
    public void Replace(byte[] publicKeySha256) => _pin = publicKeySha256;

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
    /// Whether a request failed in the TLS handshake (this pin refused the certificate, or TLS failed): TLS completes
    /// before any byte of the request is written, so nothing was sent.
    /// </summary>
    public static bool IsTlsFailure(HttpRequestException exception)
    {
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Security.Authentication.AuthenticationException)
            {
                return true;
            }
        }

        return false;
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
