using System.Security.Cryptography.X509Certificates;

namespace BlindAI.Enclave.RaTls;

/// <summary>An RA-TLS certificate with its in-process private key, and the quotes it carries.</summary>
public sealed class RaTlsCertificate : IDisposable
{
    internal RaTlsCertificate(X509Certificate2 certificate, byte[] publicKeySha256, byte[]? diceQuote, byte[]? legacyQuote)
    {
        Certificate = certificate;
        PublicKeySha256 = publicKeySha256;
        DiceQuote = diceQuote is null ? (ReadOnlyMemory<byte>?)null : new ReadOnlyMemory<byte>(diceQuote);
        LegacyQuote = legacyQuote is null ? (ReadOnlyMemory<byte>?)null : new ReadOnlyMemory<byte>(legacyQuote);
    }

    /// <summary>The self-signed certificate, with its private key (usable by <c>SslStream</c> and Kestrel; never exported by the builder).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>SHA-256 of the certificate's DER SubjectPublicKeyInfo: the key binding every evidence form uses.</summary>
    public ReadOnlyMemory<byte> PublicKeySha256 { get; }

    /// <summary>The quote inside the DICE evidence (report data = SHA-256 of the claims), or <see langword="null"/> when not included.</summary>
    public ReadOnlyMemory<byte>? DiceQuote { get; }

    /// <summary>The quote of the legacy extension (report data = SHA-256 of the public key), or <see langword="null"/> when not included.</summary>
    public ReadOnlyMemory<byte>? LegacyQuote { get; }

    /// <inheritdoc />
    public void Dispose() => Certificate.Dispose();
}
