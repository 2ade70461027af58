using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BlindAI.Client.Connection;

/// <summary>
/// The public keys attestation has verified, checked by a synchronous TLS callback on every connection: the presented
/// certificate's SPKI SHA-256 must equal a verified one (constant-time comparison). Chain and name errors are expected
/// (the certificate is self-signed, for <c>blindai-srv</c>) and replaced by this check.
/// </summary>
internal sealed class CertificatePins
{
    private ImmutableArray<byte[]> _pins = [];

    public CertificatePins()
    {
    }

    public CertificatePins(byte[] pin) => _pins = [pin];

    public bool IsEmpty => _pins.IsEmpty;

    public void Add(byte[] pin) => ImmutableInterlocked.Update(ref _pins, static (pins, pin) => pins.Add(pin), pin);

    public bool Contains(ReadOnlySpan<byte> publicKeySha256)
    {
        bool found = false;
        foreach (byte[] pin in _pins)
        {
            found |= CryptographicOperations.FixedTimeEquals(pin, publicKeySha256);
        }

        return found;
    }

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

    /// <summary>A socket handler whose every TLS connection must present a pinned key.</summary>
    public SocketsHttpHandler CreateHandler(TimeSpan connectTimeout) => new()
    {
        ConnectTimeout = connectTimeout,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        SslOptions = new SslClientAuthenticationOptions
        {
            TargetHost = Protocol.ProtocolRoutes.CertificateHostName,
            RemoteCertificateValidationCallback = Validate,
            EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
        },
    };
}
